using System.Net;
using Vse.Deploy.Network;

namespace Vse.Deploy.Tests.Network;

public sealed class VxlanOverlayTests
{
    private static readonly VxlanOverlay Overlay = new(0xa1b2c3, IPAddress.Parse("10.78.0.11"), [IPAddress.Parse("10.78.0.12"), IPAddress.Parse("10.78.0.13")]);

    [Theory]
    [InlineData("a1b2c3d4", 0xa1b2c3)]
    [InlineData("000001ff", 1)]
    [InlineData("000000ff", 1)]
    [InlineData("ffffff00", 0xffffff)]
    public void The_vni_is_the_deployment_ids_first_six_hex_digits_never_0(string id, int vni) =>
        Assert.Equal(vni, VxlanOverlay.VniOf(id));

    [Theory]
    [InlineData("")]
    [InlineData("a1b2c")]
    [InlineData("g1b2c3d4")]
    [InlineData("-1b2c3d4")]
    public void An_id_without_six_hex_digits_has_no_vni(string id) =>
        Assert.Throws<FormatException>(() => VxlanOverlay.VniOf(id));

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

    [Fact]
    public void Ipv6_underlays_are_refused()
    {
        Assert.Throws<ArgumentException>(() => (Overlay with { Local = IPAddress.IPv6Loopback }).DeviceArguments("vse-x"));
        Assert.Throws<ArgumentException>(() => (Overlay with { Peers = [IPAddress.IPv6Loopback] }).PeerBatch());
    }
}
