using System.Net;
using Vse.Deploy.Network;

namespace Vse.Deploy.Tests.Network;

public sealed class VxlanOverlayTests
{
    private static readonly VxlanOverlay Overlay = new(0xa1b2c3, IPAddress.Parse("10.78.0.11"), [IPAddress.Parse("10.78.0.12"), IPAddress.Parse("10.78.0.13")]);

    [Fact]
    public void The_device_is_made_in_the_fabric_with_its_underlay_here_at_the_usual_mtu() =>
        Assert.Equal(
            ["link", "add", "vxlan0", "netns", "vse-1234abcd", "mtu", "1500", "type", "vxlan", "id", "10597059", "local", "10.78.0.11", "dstport", "4789"],
            Overlay.DeviceArguments("vse-1234abcd"));

    [Fact]
    public void Broadcasts_go_to_every_peer_and_to_nobody_else() =>
        Assert.Equal(
            "fdb append 00:00:00:00:00:00 dev vxlan0 dst 10.78.0.12\nfdb append 00:00:00:00:00:00 dev vxlan0 dst 10.78.0.13\n",
            Overlay.PeerBatch());

    [Fact]
    public void An_overlay_of_one_host_has_no_peer_entries() =>
        Assert.Equal("", (Overlay with { Peers = [] }).PeerBatch());

    [Theory]
    [InlineData("Error: A VXLAN device with the specified VNI already exists.", true)] // iproute2 6.1, checked on this machine
    [InlineData("RTNETLINK answers: File exists", true)]
    [InlineData("Cannot find device \"vse0\"", false)]
    [InlineData("RTNETLINK answers: Operation not permitted", false)]
    public void Only_the_kernels_vni_in_use_answer_counts_as_a_clash(string errorTail, bool clash) =>
        Assert.Equal(clash, VxlanOverlay.IsVniInUse(errorTail));

    [Fact]
    public void Ipv6_underlays_are_refused()
    {
        Assert.Throws<ArgumentException>(() => (Overlay with { Local = IPAddress.IPv6Loopback }).DeviceArguments("vse-x"));
        Assert.Throws<ArgumentException>(() => (Overlay with { Peers = [IPAddress.IPv6Loopback] }).PeerBatch());
    }
}
