using System.Text;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// Plugs a created (not yet started) instance into its deployment's private network: a veth
/// pair made in the fabric namespace, one end on the bridge, the other moved into the
/// instance's network namespace (found by its init's PID) as <c>eth0</c> with its address.
/// Two <c>ip</c> processes per instance, each running a batch. No IPv6 address is generated
/// on either end (<c>addrgenmode none</c>): otherwise every link coming up floods IPv6
/// multicast to every port, and set-up grows faster than linearly (docs/host-facts.md). Both
/// ends get the attachment's MTU: a bridge drops a frame larger than its egress port's.
/// </summary>
internal static class VethAttacher
{
    public static async Task AttachAsync(int pid, NetworkAttachment attachment, CancellationToken cancellationToken)
    {
        var ip = ExternalTool.Require("ip", "iproute2");
        var fabric = $"""
            link add {attachment.FabricInterface} mtu {attachment.Mtu} type veth peer name eth0 mtu {attachment.Mtu} netns {pid}
            link set {attachment.FabricInterface} addrgenmode none master {attachment.Bridge} up
            """;
        await ExternalTool.RunAsync(ip, ["-n", attachment.FabricNamespace, "-batch", "-"], cancellationToken, standardInput: Lines(fabric));
        var inside = $"""
            link set lo up
            link set eth0 addrgenmode none
            addr add {attachment.Address} dev eth0
            link set eth0 up
            """;
        await ExternalTool.RunAsync(
            ExternalTool.Require("nsenter", "util-linux"), [$"--net=/proc/{pid}/ns/net", "--", ip, "-batch", "-"], cancellationToken, standardInput: Lines(inside));
    }

    private static MemoryStream Lines(string batch) => new(Encoding.ASCII.GetBytes(batch + "\n"));
}
