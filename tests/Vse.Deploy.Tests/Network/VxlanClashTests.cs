using System.Net;
using Vse.Deploy.Network;
using Vse.Host.Processes;
using Vse.Testing;

namespace Vse.Deploy.Tests.Network;

/// <summary>
/// The real kernel: a second fabric on one host with a VNI another fabric already has is refused,
/// with the reason, instead of being joined to it (the twin of <see cref="VxlanOverlayTests"/>).
/// </summary>
public sealed class VxlanClashTests
{
    [SkippableFact]
    public async Task A_second_fabric_with_a_vni_in_use_on_the_host_is_refused()
    {
        Requirements.Root();
        Requirements.Tool("ip");
        var suffix = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] fabrics = ["vse-clash-a-" + suffix, "vse-clash-b-" + suffix];
        var overlay = new VxlanOverlay(VxlanNetworkIds.Preferred("clash-" + suffix), IPAddress.Loopback, []);
        try
        {
            foreach (var fabric in fabrics)
            {
                await IpAsync("netns", "add", fabric);
                await IpAsync("-n", fabric, "link", "add", "vse0", "type", "bridge");
            }

            await overlay.JoinAsync(fabrics[0], "vse0", CancellationToken.None);

            var clash = await Assert.ThrowsAsync<VxlanClashException>(() => overlay.JoinAsync(fabrics[1], "vse0", CancellationToken.None));
            Assert.Contains($"VXLAN network identifier {overlay.Vni} is already in use on this host", clash.Message);
            // Another VNI on the same host is fine.
            await (overlay with { Vni = overlay.Vni == VxlanNetworkIds.Max ? 1 : overlay.Vni + 1 }).JoinAsync(fabrics[1], "vse0", CancellationToken.None);
        }
        finally
        {
            foreach (var fabric in fabrics)
            {
                // A namespace that was never made (the test failed before) is no failure of its own.
                await ExternalTool.RunUncheckedAsync(ExternalTool.Require("ip", "iproute2"), ["netns", "del", fabric], CancellationToken.None);
            }
        }
    }

    private static Task IpAsync(params string[] arguments) => ExternalTool.RunAsync(ExternalTool.Require("ip", "iproute2"), arguments, CancellationToken.None);
}
