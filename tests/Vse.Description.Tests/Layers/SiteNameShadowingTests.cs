using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Layers;

/// <summary>
/// A name the site defines means the site's file (issue 15, hole 3b: a user's
/// <c>./site/base.vse.yaml</c>, found first because lookup starts beside the description, replaced
/// the site's layer and its policy with it).
/// </summary>
public sealed class SiteNameShadowingTests
{
    [Fact]
    public void A_user_file_shadowing_a_site_name_is_refused_at_the_extends_entry_naming_both_files()
    {
        using var ws = new DescriptionWorkspace();
        var siteFile = ws.WriteSite("site/base", "vse: 1\nname: site/base\n");
        var userFile = ws.Write("proj/site/base", "vse: 1\nname: site/base\n");
        var app = ws.Write("proj/app", "vse: 1\nname: app\nextends: [site/base]\n");

        var error = Single(ws.ResolveFails("proj/app"), DiagnosticCodes.ShadowedSiteName);
        Assert.Equal(DiagnosticKind.Policy, error.Kind);
        At(error, app, 3, 11);
        Assert.Contains(siteFile, error.Message, StringComparison.Ordinal);
        Assert.Contains(userFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_file_on_VSE_PATH_shadowing_a_site_name_is_refused_too()
    {
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("site/base", "vse: 1\nname: site/base\n");
        ws.Write("mine/site/base", "vse: 1\nname: site/base\n");
        ws.Write("proj/app", "vse: 1\nname: app\nextends: site/base\n");
        ws.Environment["VSE_PATH"] = Path.Combine(ws.Root, "mine");

        Single(ws.ResolveFails("proj/app"), DiagnosticCodes.ShadowedSiteName);
    }

    [Fact]
    public void A_user_file_with_a_name_the_site_does_not_define_is_found_as_before()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("proj/site/base", "vse: 1\nname: site/base\nenv: {A: user}\n");
        ws.Write("proj/app", "vse: 1\nname: app\nextends: site/base\n");

        Assert.Equal("user", Str(ws.ResolveOk("proj/app").Content, "env.A"));
    }

    [Fact]
    public void An_explicit_file_path_is_taken_as_written()
    {
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("site/base", "vse: 1\nname: site/base\nenv: {A: site}\n");
        ws.Write("proj/site/base", "vse: 1\nname: site/base\nenv: {A: user}\n");
        ws.Write("proj/app", "vse: 1\nname: app\nextends: ./site/base.vse.yaml\n");

        Assert.Equal("user", Str(ws.ResolveOk("proj/app").Content, "env.A"));
    }

    [Fact]
    public void The_site_file_found_from_inside_the_site_directory_is_not_a_shadow_of_itself()
    {
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("site/base", "vse: 1\nname: site/base\nenv: {A: site}\n");
        ws.WriteSite("site/hpc", "vse: 1\nname: site/hpc\nextends: site/base\n");
        ws.Write("app", "vse: 1\nname: app\nextends: site/hpc\n");
        ws.Environment["VSE_PATH"] = ws.SiteDirectory;

        Assert.Equal("site", Str(ws.ResolveOk("app").Content, "env.A"));
    }
}
