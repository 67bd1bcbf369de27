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
/// <param name="Vni">The deployment's VXLAN network identifier (<see cref="VxlanNetworkIds"/>), the same on every host.</param>
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
        try
        {
            await ExternalTool.RunAsync(ip, DeviceArguments(fabricNamespace), cancellationToken);
        }
        catch (ToolFailedException e) when (IsVniInUse(e.ErrorTail))
        {
            // The kernel keeps one device per VNI and port in a namespace: another deployment's fabric
            // on this host has this VNI. Joining it is what must never happen, so the share fails.
            throw new VxlanClashException(
                $"VXLAN network identifier {Vni} is already in use on this host (another deployment's fabric); submit the deployment again to get another");
        }

        await ExternalTool.RunAsync(ip, ["-n", fabricNamespace, "link", "set", Device, "addrgenmode", "none", "master", bridge, "up"], cancellationToken);
        if (Peers.Count > 0)
        {
            await ExternalTool.RunAsync(
                ExternalTool.Require("bridge", "iproute2"), ["-n", fabricNamespace, "-batch", "-"], cancellationToken, standardInput: Ascii(PeerBatch()));
        }
    }

    /// <summary>
    /// Whether <c>ip link add</c> failed because the VNI has a device here: the kernel's own words
    /// (iproute2 6.x: <c>Error: A VXLAN device with the specified VNI already exists.</c>; older
    /// ones print only the errno, <c>RTNETLINK answers: File exists</c>).
    /// </summary>
    internal static bool IsVniInUse(string errorTail) =>
        errorTail.Contains("specified VNI already exists", StringComparison.Ordinal) || errorTail.Contains("File exists", StringComparison.Ordinal);

    private static MemoryStream Ascii(string text) => new(Encoding.ASCII.GetBytes(text));

    private static void RequireIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"underlay address {address} is not IPv4");
        }
    }
}
