using Vse.Description.Diagnostics;
using Vse.Description.Policy;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Policy;

/// <summary>
/// <c>SITE_DIR/policy.vse.yaml</c> binds every description, whatever it extends (issue 15, hole
/// 3a: a description that extended nothing had no site policy at all).
/// </summary>
public sealed class SiteWidePolicyTests
{
    private static string WriteSiteWide(DescriptionWorkspace ws, string policy) =>
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n" + policy + "\n");

    [SkippableFact]
    public void A_description_that_extends_nothing_is_held_to_the_site_wide_mount_rules()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var policyFile = WriteSiteWide(ws, "  allow:\n    mounts: [/scratch/**]");
        var app = ws.Write("app", "vse: 1\nname: app\nmounts: {/host-etc: {source: /etc}}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.MountNotAllowed);
        Assert.Equal(DiagnosticKind.Policy, error.Kind);
        At(error, app, 3, 30);
        Assert.Contains(policyFile, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_description_within_the_site_wide_rules_resolves()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "  allow:\n    mounts: [/scratch/**]\n  limits:\n    deploy.instances: 8");
        ws.Write("app", "vse: 1\nname: app\nmounts: {/s: {source: /scratch/alice}}\ndeploy: {instances: 8}\n");

        var resolved = ws.ResolveOk("app");
        Assert.Equal(2, resolved.Policy.Layers[0].AllowMounts!.Count + resolved.Policy.Layers[0].Limits.Count);
    }

    [SkippableFact]
    public void Site_wide_rules_also_bind_descriptions_that_extend_a_site_layer_and_the_most_restrictive_wins()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "  limits:\n    resources.cpus: 4");
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n  limits:\n    resources.cpus: 64\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\nresources: {cpus: 8}\n");

        Assert.Equal(DiagnosticKind.Policy, Single(ws.ResolveFails("app"), DiagnosticCodes.LimitExceeded).Kind);
    }

    [SkippableFact]
    public void A_site_wide_lock_binds_every_layer()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "  lock: [boot.cmdline]");
        ws.Write("app", "vse: 1\nname: app\nboot: {cmdline: {mitigations: \"off\"}}\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.LockedValueChanged);
    }

    [SkippableFact]
    public void A_site_wide_policy_file_the_user_can_change_is_a_policy_error_not_ignored()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var policyFile = WriteSiteWide(ws, "  allow:\n    drivers: [vm]");
        Privileges.Chown(policyFile, 65534, 65534);
        ws.Write("app", "vse: 1\nname: app\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.PolicyInUntrustedLayer);
        Assert.Equal(policyFile, error.Location.File);
    }

    [SkippableFact]
    public void The_site_wide_policy_file_holds_only_a_header_and_policy()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\npackages: [telnetd]\npolicy: {deny: {packages: [telnetd]}}\n");
        ws.Write("app", "vse: 1\nname: app\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey);
    }

    [Fact]
    public void Without_a_site_wide_policy_file_nothing_changes()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nmounts: {/host-etc: {source: /etc}}\n");

        Assert.True(ws.ResolveOk("app").Policy.IsEmpty);
    }

    [SkippableFact]
    public void Deploy_reads_the_site_wide_policy_as_it_is_now()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\n");
        var resolved = ws.ResolveOk("app");
        WriteSiteWide(ws, "  allow:\n    drivers: [vm]");

        var (policy, diagnostics) = SitePolicyLoader.Load(resolved.Layers.Select(l => l.File), ws.SiteDirectory);
        Assert.Empty(diagnostics);
        var rules = Assert.Single(policy.Layers);
        Assert.Equal(["vm"], rules.AllowDrivers!.Select(d => d.Value));
    }

    [SkippableFact]
    public void A_description_that_extends_the_site_wide_file_itself_counts_its_rules_once()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "  deny:\n    packages: [telnetd]");
        ws.Write("app", "vse: 1\nname: app\nextends: policy\npackages: [telnetd]\n");
        ws.Environment["VSE_PATH"] = ws.SiteDirectory;

        Single(ws.ResolveFails("app"), DiagnosticCodes.PackageDenied);
    }
}
