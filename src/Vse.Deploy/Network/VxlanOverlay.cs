using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vse.Host.Processes;

namespace Vse.Deploy.Network;

/// <summary>
/// Joins one host's fabric to the fabrics of the same deployment on other hosts: a VXLAN device
/// (<see cref="Device"/>) on the fabric's bridge, made from the host's own network namespace so
/// that its UDP socket (the underlay) stays there, while the device itself lives in the fabric.
/// Instances' frames for the other hosts leave through it encapsulated to those hosts' underlay
/// addresses (<see cref="Peers"/>: one all-zero forwarding entry per peer, so ARP and other
/// broadcasts reach every peer; unicast entries are then learned). Another deployment has another
/// VNI: the kernel hands an arriving frame only to the device of its VNI, so fabrics never mix.
/// <para>
/// The device keeps an MTU of 1,500 (not 1,450): instances keep the usual MTU, and the kernel
/// fragments the encapsulated packets where the underlay's MTU is smaller (docs/slurm.md
/// measures what that costs; on an underlay with jumbo frames nothing is fragmented).
/// </para>
/// </summary>
/// <param name="Vni">The deployment's VXLAN network identifier (<see cref="VniOf"/>).</param>
/// <param name="Local">This host's underlay address: the source of its encapsulated packets.</param>
/// <param name="Peers">The other hosts' underlay addresses.</param>
public sealed record VxlanOverlay(int Vni, IPAddress Local, IReadOnlyList<IPAddress> Peers)
{
    /// <summary>The device's name inside the fabric.</summary>
    public const string Device = "vxlan0";

    /// <summary>The IANA port for VXLAN (Linux's own default is 8472, Linux's pre-standard one).</summary>
    public const int Port = 4789;

    /// <summary>What an instance's frame may carry: the usual Ethernet MTU (see the type's remarks).</summary>
    public const int Mtu = 1500;

    /// <summary>
    /// A VNI from the deployment's id (the same on every host): the id's first six hex digits, 1 to
    /// 16,777,215. Two deployments whose ids share them cannot both have a fabric on one host (the
    /// kernel refuses a second device of a VNI there); on different hosts their peers keep them apart.
    /// </summary>
    /// <exception cref="FormatException">The id does not start with six hex digits.</exception>
    public static int VniOf(string deploymentId)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        if (deploymentId.Length < 6 || !int.TryParse(deploymentId.AsSpan(0, 6), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var vni))
        {
            throw new FormatException($"deployment id '{deploymentId}' does not start with six hex digits");
        }

        return vni == 0 ? 1 : vni;
    }

    /// <summary>The <c>ip</c> arguments, run in the host's namespace, that make the device in <paramref name="fabricNamespace"/> with its underlay here.</summary>
    internal IReadOnlyList<string> DeviceArguments(string fabricNamespace)
    {
        RequireIPv4(Local);
        return
        [
            "link", "add", Device, "netns", fabricNamespace, "mtu", Mtu.ToString(CultureInfo.InvariantCulture), "type", "vxlan",
            "id", Vni.ToString(CultureInfo.InvariantCulture), "local", Local.ToString(), "dstport", Port.ToString(CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>The <c>bridge -batch</c> lines, run in the fabric, that send broadcasts and unknown destinations to every peer.</summary>
    internal string PeerBatch()
    {
        var batch = new StringBuilder();
        foreach (var peer in Peers)
        {
            RequireIPv4(peer);
            batch.Append(CultureInfo.InvariantCulture, $"fdb append 00:00:00:00:00:00 dev {Device} dst {peer}\n");
        }

        return batch.ToString();
    }

    /// <summary>Makes the device and its peers' entries; runs in the host's own network namespace (the underlay's).</summary>
    public async Task JoinAsync(string fabricNamespace, string bridge, CancellationToken cancellationToken)
    {
        var ip = ExternalTool.Require("ip", "iproute2");
        await ExternalTool.RunAsync(ip, DeviceArguments(fabricNamespace), cancellationToken);
        await ExternalTool.RunAsync(ip, ["-n", fabricNamespace, "link", "set", Device, "addrgenmode", "none", "master", bridge, "up"], cancellationToken);
        if (Peers.Count > 0)
        {
            await ExternalTool.RunAsync(
                ExternalTool.Require("bridge", "iproute2"), ["-n", fabricNamespace, "-batch", "-"], cancellationToken, standardInput: Ascii(PeerBatch()));
        }
    }

    private static MemoryStream Ascii(string text) => new(Encoding.ASCII.GetBytes(text));

    private static void RequireIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"underlay address {address} is not IPv4");
        }
    }
}
