using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Policy;

public sealed class TrustTests
{
    private const UnixFileMode Mode0644 = (UnixFileMode)0b110_100_100;

    [SkippableFact]
    public void A_root_owned_read_only_file_under_the_site_directory_is_trusted()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var file = ws.WriteSite("site/hpc", "vse: 1\nname: site/hpc\n");

        Assert.True(new TrustEvaluator(ws.SiteDirectory).IsTrusted(file));
    }

    [SkippableFact]
    public void A_site_file_owned_by_another_user_is_not_trusted()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var file = ws.WriteSite("hpc", "vse: 1\nname: hpc\n");
        Privileges.Chown(file, 65534, 65534);

        Assert.False(new TrustEvaluator(ws.SiteDirectory).IsTrusted(file));
    }

    [SkippableTheory]
    [InlineData(0b110_100_110)] // o+w
    [InlineData(0b110_110_100)] // g+w
    public void A_site_file_others_can_write_is_not_trusted(int mode)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var file = ws.WriteSite("hpc", "vse: 1\nname: hpc\n");
        File.SetUnixFileMode(file, (UnixFileMode)mode);

        Assert.False(new TrustEvaluator(ws.SiteDirectory).IsTrusted(file));
    }

    [SkippableFact]
    public void A_site_file_in_a_directory_others_can_write_is_not_trusted()
    {
        // Whoever can write the directory can replace the file in it.
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var file = ws.WriteSite("shared/hpc", "vse: 1\nname: hpc\n");
        File.SetUnixFileMode(Path.GetDirectoryName(file)!, (UnixFileMode)0b111_111_111);

        Assert.False(new TrustEvaluator(ws.SiteDirectory).IsTrusted(file));
    }

    [SkippableFact]
    public void A_root_owned_file_outside_the_site_directory_is_not_trusted()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var file = ws.Write("app", "vse: 1\nname: app\n");
        File.SetUnixFileMode(file, Mode0644);

        Assert.False(new TrustEvaluator(ws.SiteDirectory).IsTrusted(file));
        Assert.False(new TrustEvaluator(ws.SiteDirectory).IsTrusted(ws.SiteDirectory));
    }

    [SkippableFact]
    public void A_symlink_under_the_site_directory_to_a_file_outside_is_not_trusted()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var outside = ws.Write("outside", "vse: 1\nname: outside\n");
        var link = Path.Combine(ws.SiteDirectory, "hpc.vse.yaml");
        File.CreateSymbolicLink(link, outside);

        Assert.False(new TrustEvaluator(ws.SiteDirectory).IsTrusted(link));
    }

    [SkippableFact]
    public void A_sibling_directory_with_the_site_directory_as_prefix_is_not_under_it()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var file = ws.WriteFile("site-evil/hpc.vse.yaml", "vse: 1\nname: hpc\n");

        Assert.False(new TrustEvaluator(ws.SiteDirectory).IsTrusted(file));
    }

    [SkippableFact]
    public void Resolved_layers_say_whether_they_are_trusted()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("hpc", "vse: 1\nname: hpc\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n");

        var layers = ws.ResolveOk("app").Layers;

        Assert.Equal([true, false], layers.Select(l => l.Trusted));
    }

    [Fact]
    public void Policy_in_a_layer_outside_the_site_directory_is_a_policy_error()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\npolicy:\n  lock: [env]\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.PolicyInUntrustedLayer);

        At(error, path, 3, 1);
        Assert.Equal(DiagnosticKind.Policy, error.Kind);
    }

    [SkippableFact]
    public void Policy_in_a_site_file_others_can_write_is_a_policy_error()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var path = ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy: {deny: {packages: [telnetd]}}\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.PolicyInUntrustedLayer);

        At(error, path, 3, 1);
        Assert.Equal(DiagnosticKind.Policy, error.Kind);
    }

    [SkippableFact]
    public void Policy_in_a_site_file_owned_by_another_user_is_a_policy_error()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var path = ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy: {deny: {packages: [telnetd]}}\n");
        Privileges.Chown(path, 65534, 65534);
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.PolicyInUntrustedLayer);
    }
}
