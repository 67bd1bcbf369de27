using System.Net;
using System.Net.Sockets;
using Vse.Host.Processes;

namespace Vse.Deploy.Slurm;

/// <summary>
/// The underlay of a private network across a job's nodes: each node's address as Slurm knows it
/// (<c>NodeAddr</c>, what slurmctld and the other slurmds use to reach the node), from one
/// <c>scontrol show node --oneliner NODELIST</c>. A node thus needs no address of its own choosing,
/// and every node derives the same set for the job without asking the others.
/// </summary>
public static class SlurmNodeAddresses
{
    /// <summary>Every node of <paramref name="nodeList"/> (a Slurm host list, e.g. <c>n[1-3]</c>) with its IPv4 address.</summary>
    /// <exception cref="SlurmOutputException">scontrol left out a node, or a node's address is not IPv4 and does not resolve to IPv4.</exception>
    public static async Task<IReadOnlyDictionary<string, IPAddress>> OfAsync(string nodeList, CancellationToken cancellationToken)
    {
        var scontrol = ExternalTool.Require("scontrol", "slurm-client");
        var result = await ExternalTool.RunAsync(scontrol, ["show", "node", "--oneliner", nodeList], cancellationToken);
        var addresses = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        foreach (var (node, address) in Parse(result.Stdout))
        {
            addresses[node] = IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork
                ? parsed
                : (await Dns.GetHostAddressesAsync(address, AddressFamily.InterNetwork, cancellationToken)).FirstOrDefault()
                    ?? throw new SlurmOutputException($"node {node}: NodeAddr '{address}' has no IPv4 address");
        }

        return addresses.Count > 0 ? addresses : throw new SlurmOutputException($"scontrol show node {nodeList} listed no node");
    }

    /// <summary>NodeName and NodeAddr of each line of <c>scontrol show node --oneliner</c> (<c>KEY=VALUE</c> fields, space-separated).</summary>
    /// <exception cref="SlurmOutputException">A line without either.</exception>
    public static IEnumerable<(string Node, string Address)> Parse(string oneliner)
    {
        ArgumentNullException.ThrowIfNull(oneliner);
        foreach (var line in oneliner.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2))
                .Where(f => f.Length == 2)
                .GroupBy(f => f[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
            if (!fields.TryGetValue("NodeName", out var node) || !fields.TryGetValue("NodeAddr", out var address) || node.Length == 0 || address.Length == 0)
            {
                throw new SlurmOutputException($"scontrol show node: no NodeName and NodeAddr in '{(line.Length > 80 ? line[..80] + "..." : line)}'");
            }

            yield return (node, address);
        }
    }
}
