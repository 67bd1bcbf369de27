using System.Globalization;
using System.Net;
using System.Text;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Vm;

/// <summary>
/// Plugs a VM into its deployment's private network: a tap device made in the fabric namespace
/// and put on the bridge (one <c>ip</c> batch), for QEMU to open; the guest's side is the
/// agent's <c>address</c> record. As for sandboxes, no IPv6 address is generated on the fabric
/// side (<c>addrgenmode none</c>; docs/host-facts.md). The tap keeps the kernel's MTU of 1,500 whatever
/// <see cref="NetworkAttachment.Mtu"/> says: the guest's virtio-net link is 1,500 (QEMU tells it no other).
/// A deployment has one driver, so a VM's bridge holds only taps at 1,500 (and, past 1,000 instances, the
/// links between bridges, whose larger MTU no frame of 1,500 minds).
/// </summary>
internal static class VmTapAttacher
{
    public static async Task<VmNic> AttachAsync(NetworkAttachment attachment, CancellationToken cancellationToken)
    {
        var batch = $"""
            tuntap add dev {attachment.FabricInterface} mode tap
            link set {attachment.FabricInterface} addrgenmode none master {attachment.Bridge} up
            """;
        await ExternalTool.RunAsync(
            ExternalTool.Require("ip", "iproute2"), ["-n", attachment.FabricNamespace, "-batch", "-"], cancellationToken,
            standardInput: new MemoryStream(Encoding.ASCII.GetBytes(batch + "\n")));
        return new VmNic(Path.Combine("/run/netns", attachment.FabricNamespace), attachment.FabricInterface, MacOf(attachment.Address));
    }

    /// <summary>QEMU's locally administered prefix 52:54, then the last four bytes of the IPv4 address.</summary>
    public static string MacOf(string addressWithPrefix)
    {
        var bytes = IPAddress.Parse(addressWithPrefix.Split('/')[0]).GetAddressBytes();
        return "52:54:" + string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
