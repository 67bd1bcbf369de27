using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Policy;

/// <summary>
/// <c>mpi</c> (issue 17, item 4): its values, and <c>policy.allow.mpi</c>, which lets a site forbid
/// the host's MPI (allowed while no layer says otherwise; every layer that lists sources must list
/// <c>host</c>).
/// </summary>
public sealed class MpiPolicyTests
{
    [Theory]
    [InlineData("host", true)]
    [InlineData("image", false)]
    public void Host_or_image_is_read_and_image_is_the_default(string value, bool host)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\nmpi: {value}\n");
        ws.Write("plain", "vse: 1\nname: plain\n");

        Assert.Equal(host, RuntimeModel.From(ws.ResolveOk("app")).HostMpi);
        Assert.False(RuntimeModel.From(ws.ResolveOk("plain")).HostMpi);
    }

    [Theory]
    [InlineData("hots", DiagnosticCodes.InvalidValue, "'mpi' must be one of image, host, not 'hots' (did you mean 'host'?)")]
    [InlineData("true", DiagnosticCodes.InvalidValue, "'mpi' must be one of image, host, not 'true'")]
    [InlineData("[host]", DiagnosticCodes.WrongType, "'mpi' must be a string, found a list")]
    [InlineData("{host: 1}", DiagnosticCodes.WrongType, "'mpi' must be a string, found a map")]
    public void Anything_else_is_refused_where_it_is_written(string value, string code, string message)
    {
        using var ws = new DescriptionWorkspace();
        var app = ws.Write("app", $"vse: 1\nname: app\nmpi: {value}\n");

        var error = Single(ws.ResolveFails("app"), code);

        At(error, app, 3, 6);
        Assert.Equal(message, error.Message);
    }

    [SkippableFact]
    public void A_site_that_lists_only_image_refuses_host_mpi_at_the_key()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var policy = ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    mpi: [image]\n");
        var app = ws.Write("app", "vse: 1\nname: app\nmpi: host\n");
        ws.Write("own", "vse: 1\nname: own\nmpi: image\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.HostMpiNotAllowed);

        Assert.Equal(DiagnosticKind.Policy, error.Kind);
        At(error, app, 3, 6);
        Assert.Equal($"'mpi: host' is not allowed by site policy (allow.mpi of site-policy at {policy}:5:11: image); use the image's MPI (mpi: image)", error.Message);
        Assert.False(RuntimeModel.From(ws.ResolveOk("own")).HostMpi);
    }

    [SkippableFact]
    public void Every_layer_that_lists_sources_must_list_host_the_most_restrictive_wins()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    mpi: [image, host]\n");
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n  allow:\n    mpi: []\n");
        ws.WriteSite("open", "vse: 1\nname: open\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\nmpi: host\n");
        ws.Write("other", "vse: 1\nname: other\nextends: open\nmpi: host\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.HostMpiNotAllowed);

        Assert.Contains("(allow.mpi of hpc at ", error.Message, StringComparison.Ordinal);
        Assert.Contains(": none)", error.Message, StringComparison.Ordinal);
        Assert.True(RuntimeModel.From(ws.ResolveOk("other")).HostMpi);
    }

    [SkippableFact]
    public void A_bad_allow_mpi_entry_is_an_error_at_the_entry()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var policy = ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    mpi: [image, hots]\n");
        ws.Write("app", "vse: 1\nname: app\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue);

        At(error, policy, 5, 18);
        Assert.Equal("'policy.allow.mpi' must be one of image, host, not 'hots' (did you mean 'host'?)", error.Message);
    }
}
