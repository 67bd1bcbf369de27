using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Policy;

/// <summary>
/// <c>devices</c> under <c>policy.allow.devices</c> (issue 17, item 2): a device reaches the host's
/// hardware, so like a relaxation it needs a rule; every layer that declares one must match (most
/// restrictive wins); the path is judged as written and as the host resolves it.
/// </summary>
public sealed class DevicePolicyTests
{
    private static string WriteSiteWide(DescriptionWorkspace ws, string allow) =>
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    devices: " + allow + "\n");

    [Fact]
    public void Without_any_policy_a_device_is_refused_where_it_is_written()
    {
        using var ws = new DescriptionWorkspace();
        var app = ws.Write("app", "vse: 1\nname: app\ndevices: [/dev/fuse]\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.DeviceNotAllowed);

        Assert.Equal(DiagnosticKind.Policy, error.Kind);
        Assert.Equal(Find(app, "/dev/fuse"), error.Location);
        Assert.Contains("no site policy allows devices (policy.allow.devices", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_site_wide_policy_allows_the_devices_its_globs_match_and_no_other()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "[/dev/fuse, /dev/nvidia*, /dev/dri/**]");
        ws.Write("app", "vse: 1\nname: app\ndevices: [/dev/fuse, /dev/nvidia0, /dev/dri/card0]\n");
        var disk = ws.Write("disk", "vse: 1\nname: disk\ndevices: [/dev/fuse, /dev/sda]\n");

        var model = RuntimeModel.From(ws.ResolveOk("app"));
        var error = Single(ws.ResolveFails("disk"), DiagnosticCodes.DeviceNotAllowed);

        Assert.Equal(["/dev/dri/card0", "/dev/fuse", "/dev/nvidia0"], model.Devices);
        Assert.Equal(Find(disk, "/dev/sda"), error.Location);
        Assert.Contains("device '/dev/sda' is not allowed by site policy (allow.devices of site-policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("/dev/fuse, /dev/nvidia*, /dev/dri/**", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Every_layer_that_lists_devices_must_allow_it_the_most_restrictive_wins()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "[/dev/**]");
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n  allow:\n    devices: [/dev/fuse]\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\ndevices: [/dev/fuse]\n");
        ws.Write("more", "vse: 1\nname: more\nextends: hpc\ndevices: [/dev/fuse, /dev/kvm]\n");

        ws.ResolveOk("app");
        var error = Single(ws.ResolveFails("more"), DiagnosticCodes.DeviceNotAllowed);

        Assert.Contains("device '/dev/kvm' is not allowed by site policy (allow.devices of hpc", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void An_empty_list_allows_no_device()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "[]");
        ws.Write("app", "vse: 1\nname: app\ndevices: [/dev/fuse]\n");

        Assert.EndsWith(": none)", Single(ws.ResolveFails("app"), DiagnosticCodes.DeviceNotAllowed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_path_the_host_resolves_elsewhere_must_match_there_too()
    {
        var globs = new[] { new Located<string>("/dev/fuse", SourceLocation.StartOf("policy")) };

        Assert.True(PolicyChecker.DeviceAllowed(globs, "/dev/fuse", "/dev/fuse"));
        // /dev/fuse a link to /dev/sda: the node is the disk's, whatever the name says.
        Assert.False(PolicyChecker.DeviceAllowed(globs, "/dev/fuse", "/dev/sda"));
        Assert.False(PolicyChecker.DeviceAllowed(globs, "/dev/sda", "/dev/fuse"));
    }

    [InlineData("[/etc/*]")]
    [InlineData("[/dev/../etc/**]")]
    [InlineData("[/dev//fuse]")]
    [InlineData("[\"/dev/fuse\\n\"]")]
    [InlineData("/dev/fuse")]
    [SkippableTheory]
    public void A_glob_that_is_not_plainly_under_dev_is_refused(string allow)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, allow);
        ws.Write("app", "vse: 1\nname: app\n");

        var errors = ws.ResolveFails("app");

        Assert.Contains(errors, e => e.Code is DiagnosticCodes.InvalidValue or DiagnosticCodes.WrongType);
    }

    [Fact]
    public void Devices_change_the_policy_digest_only_when_a_layer_lists_them()
    {
        var location = SourceLocation.StartOf("policy");
        var rules = new PolicyRules("site-policy", location, [], null, null, [], []);
        var withDevices = rules with { AllowDevices = [new Located<string>("/dev/fuse", location)] };

        Assert.NotEqual(PolicyDigest.Of(new SitePolicy([rules])), PolicyDigest.Of(new SitePolicy([withDevices])));
    }
}

/// <summary><c>gpus</c> (issue 17, item 3): its forms, and the control nodes every grant needs under <c>allow.devices</c>.</summary>
public sealed class GpuRequestTests
{
    [Theory]
    [InlineData("all", "all")]
    [InlineData("2", "2")]
    [InlineData("\"2,0\"", "[0,2]")]
    [InlineData("[2, 0]", "[0,2]")]
    [InlineData("[2]", "[2]")]
    [InlineData("\"[1,3]\"", "[1,3]")]
    public void All_a_count_or_indices_are_read(string value, string model)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\ngpus: {value}\n");

        // The schema takes it; only policy (no allow.devices here) refuses it, at 'gpus'.
        var errors = ws.ResolveFails("app");

        Assert.All(errors, e => Assert.Equal(DiagnosticCodes.DeviceNotAllowed, e.Code));
        Assert.Contains(errors, e => e.Message.StartsWith("'gpus' needs device '/dev/nvidiactl', which reaches the host's hardware", StringComparison.Ordinal));
        Assert.Equal(model, GpuRequest.Parse(RuntimeModel.FromCanonicalJson($$"""{"gpus":"{{model}}"}""").Gpus!.ToString()).ToString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("some")]
    [InlineData("\"0,\"")]
    [InlineData("\"[]\"")]
    [InlineData("\"-1,2\"")]
    [InlineData("1000")]
    public void Anything_else_is_an_invalid_value(string value)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\ngpus: {value}\n");

        Assert.Contains(ws.ResolveFails("app"), e => e.Code is DiagnosticCodes.InvalidValue or DiagnosticCodes.WrongType);
    }

    [Fact]
    public void A_one_index_list_is_that_gpu_not_a_count()
    {
        var request = RuntimeModel.FromCanonicalJson("""{"gpus":"[2]"}""").Gpus!;

        Assert.Equal((false, 1, "2"), (request.All, request.Count, string.Join(',', request.Indices!)));
    }

    [Theory]
    [InlineData("[0, -1]", 3, 11, DiagnosticCodes.InvalidValue, "'gpus': index -1 is not between 0 and 999")]
    [InlineData("[0, 1000]", 3, 11, DiagnosticCodes.InvalidValue, "'gpus': index 1000 is not between 0 and 999")]
    [InlineData("[2, 0, 2]", 3, 14, DiagnosticCodes.InvalidValue, "'gpus': index 2 is listed twice")]
    [InlineData("[0, a]", 3, 11, DiagnosticCodes.WrongType, "'gpus member' must be an integer index (0, 1, ...), found 'a'")]
    [InlineData("[1.5]", 3, 8, DiagnosticCodes.WrongType, "'gpus member' must be an integer index (0, 1, ...), found '1.5'")]
    [InlineData("[\"1\"]", 3, 8, DiagnosticCodes.WrongType, "'gpus member' must be an integer index (0, 1, ...), found '1'")]
    [InlineData("[[1]]", 3, 8, DiagnosticCodes.WrongType, "'gpus member' must be an integer index (0, 1, ...), found a list")]
    [InlineData("[]", 3, 7, DiagnosticCodes.InvalidValue, "'gpus' lists no index; remove it or write null to ask for none")]
    public void A_bad_list_is_refused_at_the_bad_item(string value, int line, int column, string code, string message)
    {
        using var ws = new DescriptionWorkspace();
        var file = ws.Write("app", $"vse: 1\nname: app\ngpus: {value}\n");

        var error = Assert.Single(ws.ResolveFails("app"), e => e.Code != DiagnosticCodes.DeviceNotAllowed);

        Assert.Equal((file, line, column, code, message), (error.Location.File, error.Location.Line, error.Location.Column, error.Code, error.Message));
    }

    [SkippableFact]
    public void A_site_that_allows_the_nvidia_nodes_lets_gpus_resolve()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    devices: [/dev/nvidia*, /dev/nvidia-caps/**]\n");
        ws.Write("app", "vse: 1\nname: app\ngpus: all\n");

        Assert.True(RuntimeModel.From(ws.ResolveOk("app")).Gpus!.All);
    }
}
