using Vse.Deploy.Network;
using Vse.Description.Model;
using Vse.Runtime.Drivers;

namespace Vse.Deploy.Slurm;

/// <summary>
/// One node's view of the private network of a deployment across Slurm nodes (docs/slurm.md): all
/// N x K instances on one address plan, this node's fabric joined to the other nodes' by a VXLAN
/// of the VNI the submit host chose (<see cref="SlurmJob.Vni"/>), over the addresses Slurm knows the nodes by
/// (<see cref="SlurmNodeAddresses"/>), with the key pair <c>vse submit</c> made in the job directory.
/// </summary>
public static class SlurmNetworkSpan
{
    /// <returns>Null when the description has no private network.</returns>
    /// <exception cref="SlurmRequestException">Not inside a job step that names its nodes.</exception>
    /// <exception cref="SlurmOutputException">Slurm did not list this node or every node of the job.</exception>
    public static async Task<NetworkSpan?> OfAsync(SlurmJob job, RuntimeModel model, SlurmJobContext context, JobDirectory directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(directory);
        if (model.Network.Mode is not { } mode || NetworkModes.Parse(mode) != NetworkMode.Private)
        {
            return null;
        }

        var vni = job.Vni ?? throw new InvalidDataException($"{directory.JobFile}: a private network across nodes without a VXLAN network identifier (written by an older vse: submit again)");
        var nodeList = context.NodeList ?? throw new SlurmRequestException("SLURM_JOB_NODELIST is not set: a private network across nodes needs the job's node list");
        var addresses = await SlurmNodeAddresses.OfAsync(nodeList, cancellationToken);
        if (!addresses.TryGetValue(context.Node, out var local) || addresses.Count != job.Nodes)
        {
            throw new SlurmOutputException(
                $"scontrol show node {nodeList} listed {string.Join(", ", addresses.Keys.Order(StringComparer.Ordinal))}: not this node ({context.Node}) and {job.Nodes} node(s) in all");
        }

        var peers = addresses.Where(a => a.Key != context.Node).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value).ToList();
        return new NetworkSpan(
            job.Instances, new VxlanOverlay(vni, local, peers), Directory.Exists(directory.SshKeys) ? directory.SshKeys : null);
    }
}
