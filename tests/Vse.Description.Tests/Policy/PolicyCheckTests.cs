using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Policy;

public sealed class PolicyCheckTests
{
    private static (DescriptionWorkspace Ws, string SitePath, string AppPath) SiteAndApp(string policy, string appBody)
    {
        var ws = new DescriptionWorkspace();
        var site = ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n" + policy + "\n");
        var app = ws.Write("app", "vse: 1\nname: app\nextends: hpc\n" + appBody + "\n");
        return (ws, site, app);
    }

    private static Diagnostic PolicyError(DescriptionWorkspace ws, string code)
    {
        var error = Single(ws.ResolveFails("app"), code);
        Assert.Equal(DiagnosticKind.Policy, error.Kind);
        return error;
    }

    private static string MountPolicy(DescriptionWorkspace ws) =>
        $"  allow:\n    mounts: [/scratch/*, /lustre/**, \"{ws.Root}/allowed/**\"]";

    [SkippableTheory]
    [InlineData("/lustre")] // ** matches zero segments
    [InlineData("/lustre/proj/alice/run1")]
    [InlineData("/scratch/alice")]
    [InlineData("/scratch/alice/")]
    [InlineData("/lustre/proj/../other")] // .. that stays inside is fine
    public void A_mount_source_matching_an_allowed_glob_is_accepted(string source)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n" + MountPolicy(ws) + "\n");
        ws.Write("app", $"vse: 1\nname: app\nextends: hpc\nmounts: {{/data: {{source: \"{source}\"}}}}\n");

        ws.ResolveOk("app");
    }

    [SkippableTheory]
    [InlineData("/scratch/alice/deep")] // * is one segment
    [InlineData("/scratch")] // * needs a segment
    [InlineData("/scratch/../etc")] // .. cannot escape
    [InlineData("/lustre/../etc/shadow")]
    [InlineData("/lustrefs/x")]
    [InlineData("/scratch2/alice")] // a glob is matched by path segments, never as a string prefix
    [InlineData("/lustre2")]
    [InlineData("/etc")]
    public void A_mount_source_matching_no_allowed_glob_is_refused(string source)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var site = ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n" + MountPolicy(ws) + "\n");
        var app = ws.Write("app", $"vse: 1\nname: app\nextends: hpc\nmounts: {{/data: {{source: \"{source}\"}}}}\n");

        var error = PolicyError(ws, DiagnosticCodes.MountNotAllowed);

        Assert.Equal(Find(app, "\"" + source), error.Location);
        Assert.Contains(Find(site, "/scratch/*").ToString(), error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_symlink_under_an_allowed_directory_cannot_lead_outside_it()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.CreateDirectory("allowed");
        ws.CreateDirectory("secret");
        File.CreateSymbolicLink(Path.Combine(ws.Root, "allowed", "link"), Path.Combine(ws.Root, "secret"));
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n" + MountPolicy(ws) + "\n");
        ws.Write("app", $"vse: 1\nname: app\nextends: hpc\nmounts:\n  /ok: {{source: {ws.Root}/allowed/real}}\n  /bad: {{source: {ws.Root}/allowed/link/keys}}\n");

        var error = PolicyError(ws, DiagnosticCodes.MountNotAllowed);

        Assert.Contains("/allowed/link/keys", error.Message, StringComparison.Ordinal);
        Assert.Contains($"resolves to '{ws.Root}/secret/keys'", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void An_interpolated_mount_source_is_checked_after_interpolation()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.Environment["EVIL"] = "../etc";
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n" + MountPolicy(ws) + "\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\nmounts: {/data: {source: \"/scratch/${env.EVIL}\"}}\n");

        PolicyError(ws, DiagnosticCodes.MountNotAllowed);
    }

    [SkippableFact]
    public void Policy_strings_are_not_interpolated_so_the_user_environment_cannot_widen_them()
    {
        // Interpolated, "/data/${env.PROJECT}/**" with PROJECT=".." would become "/**".
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.Environment["PROJECT"] = "..";
        var site = ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n  allow: {mounts: [\"/data/${env.PROJECT}/**\"]}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\nmounts: {/x: {source: /etc}}\n");

        var error = PolicyError(ws, DiagnosticCodes.MountNotAllowed);

        Assert.Contains("/data/${env.PROJECT}/**", error.Message, StringComparison.Ordinal);
        Assert.Contains(Find(site, "\"/data").ToString(), error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Dot_dot_after_a_symlink_is_resolved_physically()
    {
        // allowed/link -> secret/sub, so allowed/link/../keys is secret/keys, not allowed/keys.
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.CreateDirectory("allowed");
        ws.CreateDirectory("secret/sub");
        File.CreateSymbolicLink(Path.Combine(ws.Root, "allowed", "link"), Path.Combine(ws.Root, "secret", "sub"));
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n" + MountPolicy(ws) + "\n");
        ws.Write("app", $"vse: 1\nname: app\nextends: hpc\nmounts: {{/k: {{source: {ws.Root}/allowed/link/../keys}}}}\n");

        var error = PolicyError(ws, DiagnosticCodes.MountNotAllowed);

        Assert.Contains($"resolves to '{ws.Root}/secret/keys'", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void An_empty_mount_allow_list_allows_no_mount()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp("  allow: {mounts: []}", "mounts: {/data: {source: /scratch}}");
        using var _ = ws;

        PolicyError(ws, DiagnosticCodes.MountNotAllowed);
    }

    [SkippableFact]
    public void A_denied_package_is_refused_at_the_layer_that_added_it()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, site, app) = SiteAndApp("  deny: {packages: [telnetd, rsh-server]}", "packages: [vim, telnetd]");
        using var _ = ws;

        var error = PolicyError(ws, DiagnosticCodes.PackageDenied);

        Assert.Equal(Find(app, "telnetd"), error.Location);
        Assert.Contains(Find(site, "telnetd").ToString(), error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_denied_package_removed_again_is_fine()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy: {deny: {packages: [telnetd]}}\n");
        ws.Write("mid", "vse: 1\nname: mid\nextends: hpc\npackages: [telnetd]\n");
        ws.Write("app", "vse: 1\nname: app\nextends: mid\npackages: {remove: [telnetd]}\n");

        ws.ResolveOk("app");
    }

    [SkippableFact]
    public void A_driver_outside_the_allowed_drivers_is_refused()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp("  allow: {drivers: [sandbox]}", "deploy: {driver: vm}");
        using var _ = ws;

        Assert.Equal(Find(app, "vm"), PolicyError(ws, DiagnosticCodes.DriverNotAllowed).Location);
    }

    [SkippableFact]
    public void The_allowed_drivers_also_bind_a_driver_chosen_at_deploy()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp("  allow: {drivers: [sandbox]}", "deploy: {driver: sandbox}");
        using var _ = ws;
        var policy = ws.ResolveOk("app").Policy;
        var commandLine = new SourceLocation("<command line>", 1, 1);

        Assert.Empty(PolicyChecker.CheckDriver("sandbox", policy, commandLine));
        Assert.Equal(DiagnosticCodes.DriverNotAllowed, Assert.Single(PolicyChecker.CheckDriver("vm", policy, commandLine)).Code);
    }

    [SkippableTheory]
    [InlineData("resources: {cpus: 9}", "resources.cpus")]
    [InlineData("resources: {memory: 17Gi}", "resources.memory")]
    [InlineData("resources: {memory: 17179869185}", "resources.memory")]
    [InlineData("deploy: {instances: 65}", "deploy.instances")]
    [InlineData("deploy: {per_node: 17}", "deploy.per_node")]
    public void A_value_above_a_limit_is_refused(string body, string path)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp(
            "  limits: {resources.cpus: 8, resources.memory: 16Gi, deploy.instances: 64, deploy.per_node: 16}", body);
        using var _ = ws;

        var error = PolicyError(ws, DiagnosticCodes.LimitExceeded);

        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_value_equal_to_a_limit_is_accepted()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp(
            "  limits: {resources.cpus: 8, resources.memory: 16Gi}", "resources: {cpus: 8, memory: 16384Mi}");
        using var _ = ws;

        ws.ResolveOk("app");
    }

    [SkippableTheory]
    [InlineData("  limits: {resources.gpus: 4}")]
    [InlineData("  limits: {env.A: 4}")]
    public void A_limit_on_a_path_that_cannot_be_limited_is_refused(string policy)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp(policy, "");
        using var _ = ws;

        Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidPolicyPath);
    }

    [SkippableFact]
    public void An_unknown_policy_key_suggests_the_nearest()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp("  lokc: [env]", "");
        using var _ = ws;

        Assert.Contains("did you mean 'lock'?", Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey).Message, StringComparison.Ordinal);
    }

    /// <summary>vendor (outer) and site (inner) both carry policy; app extends site.</summary>
    private static DescriptionWorkspace TwoPolicies(string appBody)
    {
        var ws = new DescriptionWorkspace();
        ws.WriteSite("vendor", """
            vse: 1
            name: vendor
            env: {A: vendor}
            policy:
              lock: [env.A]
              allow: {mounts: [/lustre/**, /scratch/**], drivers: [sandbox, vm]}
              limits: {resources.cpus: 64, deploy.instances: 16}
            """);
        ws.WriteSite("hpc", """
            vse: 1
            name: hpc
            extends: vendor
            run: site-run
            policy:
              lock: [run]
              allow: {mounts: [/scratch/**], drivers: [sandbox]}
              limits: {resources.cpus: 8, deploy.instances: 1024}
            """);
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n" + appBody + "\n");
        return ws;
    }

    [SkippableTheory]
    [InlineData("resources: {cpus: 9}", DiagnosticCodes.LimitExceeded)] // hpc's smaller limit binds
    [InlineData("deploy: {instances: 17}", DiagnosticCodes.LimitExceeded)] // vendor's smaller limit binds
    [InlineData("mounts: {/d: {source: /lustre/x}}", DiagnosticCodes.MountNotAllowed)] // allowed by vendor, not by hpc
    [InlineData("mounts: {/d: {source: /home/x}}", DiagnosticCodes.MountNotAllowed)] // allowed by neither: one error per list
    [InlineData("deploy: {driver: vm}", DiagnosticCodes.DriverNotAllowed)]
    [InlineData("env: {A: mine}", DiagnosticCodes.LockedValueChanged)] // vendor's lock
    [InlineData("run: mine", DiagnosticCodes.LockedValueChanged)] // hpc's lock
    public void Several_trusted_policies_combine_and_the_most_restrictive_wins(string body, string code)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = TwoPolicies(body);

        var diagnostics = ws.ResolveFails("app");

        Assert.All(diagnostics, d => Assert.Equal(code, d.Code));
        Assert.Equal(body.Contains("/home/", StringComparison.Ordinal) ? 2 : 1, diagnostics.Count);
    }

    [SkippableFact]
    public void Within_every_combined_policy_a_description_resolves()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = TwoPolicies("resources: {cpus: 8}\ndeploy: {instances: 16, driver: sandbox}\nmounts: {/d: {source: /scratch/x}}");

        var resolved = ws.ResolveOk("app");

        Assert.Equal(2, resolved.Policy.Layers.Count);
        Assert.Equal(["vendor", "hpc"], resolved.Policy.Layers.Select(l => l.LayerName));
    }

    [SkippableFact]
    public void A_hand_edited_resolved_description_is_caught_by_the_deploy_time_check()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp("  limits: {resources.cpus: 8}\n  deny: {packages: [telnetd]}", "resources: {cpus: 4}");
        using var _ = ws;
        var resolved = ws.ResolveOk("app");
        var location = new SourceLocation("resolved.json", 1, 1);
        Assert.Empty(PolicyChecker.Check(resolved.Content, resolved.Policy, _ => location));

        var resources = (MapValue)resolved.Content["resources"]!;
        var edited = resolved.Content
            .With("resources", resources.With("cpus", ScalarValue.Of(64)))
            .With("packages", new SetValue(SetValue.Empty.Members.Add("telnetd")));
        var diagnostics = PolicyChecker.Check(edited, resolved.Policy, _ => location);

        Codes(diagnostics, DiagnosticCodes.LimitExceeded, DiagnosticCodes.PackageDenied);
        Assert.All(diagnostics, d => Assert.Equal(location, d.Location));
    }

    [SkippableFact]
    public void The_deploy_time_check_uses_the_site_policy_as_it_is_now()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, site, _) = SiteAndApp("  limits: {resources.cpus: 8}", "resources: {cpus: 4}");
        using var _ = ws;
        var stale = ws.ResolveOk("app");
        var files = stale.Layers.Select(l => l.File).ToList();
        Assert.Empty(PolicyChecker.Check(stale.Content, SitePolicyLoader.Load(files, ws.SiteDirectory).Policy, _ => SourceLocation.StartOf("stale.json")));

        // The site lowers its limit after the description was resolved.
        File.WriteAllText(site, "vse: 1\nname: hpc\npolicy:\n  limits: {resources.cpus: 2}\n");
        var (current, loadDiagnostics) = SitePolicyLoader.Load(files, ws.SiteDirectory);

        Assert.Empty(loadDiagnostics);
        var diagnostics = PolicyChecker.Check(stale.Content, current, _ => SourceLocation.StartOf("stale.json"));
        Assert.Equal(DiagnosticCodes.LimitExceeded, Assert.Single(diagnostics).Code);
    }

    [SkippableFact]
    public void A_policy_file_that_became_changeable_is_refused_at_deploy()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, site, _) = SiteAndApp("  limits: {resources.cpus: 8}", "");
        using var _ = ws;
        var files = ws.ResolveOk("app").Layers.Select(l => l.File).ToList();

        File.SetUnixFileMode(site, (UnixFileMode)0b110_110_110);
        var (policy, diagnostics) = SitePolicyLoader.Load(files, ws.SiteDirectory);

        Assert.Equal(Find(site, "policy"), Single(diagnostics, DiagnosticCodes.PolicyInUntrustedLayer).Location);
        Assert.True(policy.IsEmpty);
    }

    [Fact]
    public void No_policy_means_no_policy_diagnostics()
    {
        var content = MapValue.Empty.With("packages", new SetValue(SetValue.Empty.Members.Add("telnetd")));

        Assert.Empty(PolicyChecker.Check(content, SitePolicy.None, _ => SourceLocation.StartOf("x")));
    }
}
