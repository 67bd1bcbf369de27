using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// The MTU of a private network's veths on the bulk launcher (<see cref="NetworkAttachment.Mtu"/>): passed as
/// <c>--mtu</c> with the fabric, part of what instances of one launch share, and refused where it means
/// nothing or the kernel would refuse it. The veths it makes are checked in PrivateNetworkTests (Vse.Cli.Tests).
/// </summary>
public sealed class LaunchNetworkMtuTests
{
    private static InstanceSpec Spec(NetworkAttachment attachment) =>
        new("dep-0", "app-0", "/store/rootfs", "/home/run/dep/0", new Dictionary<string, string>(), [], Cpus: null, MemoryBytes: null, NetworkMode.Private, [], Attachment: attachment);

    [Fact]
    public void The_launcher_is_told_the_attachment_s_mtu_right_after_the_fabric()
    {
        var spec = Spec(new NetworkAttachment("vse-abc", "vse0", "10.0.0.1/24", "v0", Mtu: NetworkAttachment.LargestMtu));
        var shape = LaunchShape.Of(spec, seccompFilter: null, cgroupRoots: [], hold: false, userNamespace: false);
        var arguments = shape.Arguments().ToList();

        var fabric = arguments.IndexOf("--fabric");
        Assert.Equal(["--fabric", "/run/netns/vse-abc", "--mtu", "65535"], arguments.Skip(fabric).Take(4));
        Assert.DoesNotContain("--mtu", (shape with { Fabric = null, Mtu = null }).Arguments());
    }

    [Fact]
    public void Instances_of_one_launch_share_their_mtu()
    {
        var large = Spec(new NetworkAttachment("vse-abc", "vse0", "10.0.0.1/24", "v0", Mtu: NetworkAttachment.LargestMtu));
        var shape = LaunchShape.Of(large, seccompFilter: null, cgroupRoots: [], hold: false, userNamespace: false);

        Assert.True(shape.Fits(large with { Attachment = large.Attachment! with { Address = "10.0.0.2/24", FabricInterface = "v1" } }, null));
        Assert.False(shape.Fits(large with { Attachment = large.Attachment! with { Mtu = NetworkAttachment.EthernetMtu } }, null));
    }

    [SkippableTheory]
    [InlineData("--mtu 65535 --init", "vse-launch: --mtu is for instances plugged into a fabric (--fabric)\n")]
    [InlineData("--mtu 65536 --init", "usage: vse-launch ")]
    [InlineData("--mtu 67 --init", "usage: vse-launch ")]
    [InlineData("--mtu 9000x --init", "usage: vse-launch ")]
    public async Task The_launcher_refuses_an_mtu_without_a_fabric_and_one_a_veth_cannot_take(string arguments, string error)
    {
        var (exitCode, stderr) = await LauncherProcess.RunAsync(arguments.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.StartsWith(error, stderr, StringComparison.Ordinal);
    }
}
