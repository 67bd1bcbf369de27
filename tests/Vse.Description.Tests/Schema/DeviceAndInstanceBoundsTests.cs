using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Schema;

/// <summary>
/// Device paths are checked segment by segment (issue 15, hole 7: <c>/dev/../etc/shadow</c>
/// passed), and deployment sizes have a built-in bound even where the site sets none (hole 6).
/// </summary>
public sealed class DeviceAndInstanceBoundsTests
{
    [Theory]
    [InlineData("/dev/../etc/shadow")]
    [InlineData("/dev/..")]
    [InlineData("/dev/./fuse")]
    [InlineData("/dev//fuse")]
    [InlineData("/dev/fuse/")]
    [InlineData("/dev/")]
    [InlineData("/dev")]
    [InlineData("dev/fuse")]
    [InlineData("/devices/x")]
    [InlineData("/dev/dri/../../etc")]
    public void A_device_path_that_is_not_plainly_under_dev_is_refused(string device)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\ndevices: [\"{device}\"]\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue);
    }

    [Theory]
    [InlineData("/dev/fuse")]
    [InlineData("/dev/dri/card0")]
    [InlineData("/dev/nvidia-uvm")]
    [InlineData("/dev/...")] // a name of three dots is a name
    public void A_plain_device_path_is_accepted(string device)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\ndevices: [\"{device}\"]\n");

        // The schema takes it; only site policy, which allows no device here, refuses it.
        Single(ws.ResolveFails("app"), DiagnosticCodes.DeviceNotAllowed);
    }

    [Theory]
    [InlineData("instances")]
    [InlineData("per_node")]
    public void A_deployment_size_above_the_built_in_bound_is_refused_without_any_site_limit(string key)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\ndeploy: {{{key}: {DeploymentBounds.MaxInstances + 1}}}\n");
        ws.Write("max", $"vse: 1\nname: max\ndeploy: {{{key}: {DeploymentBounds.MaxInstances}}}\n");

        Assert.Contains($"at most {DeploymentBounds.MaxInstances}", Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue).Message, StringComparison.Ordinal);
        ws.ResolveOk("max");
    }
}
