using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Policy;

/// <summary>
/// <c>security</c> (issue 15, item 3): a description may relax its instances' confinement only
/// where site policy allows each relaxation; unlike mounts and drivers, no policy means refused.
/// </summary>
public sealed class SecurityRelaxationTests
{
    private const string Relaxed = "security:\n  seccomp: unconfined\n  capabilities: [SYS_PTRACE]\n";

    private static string WriteSiteWide(DescriptionWorkspace ws, string policy) =>
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n" + policy + "\n");

    [Fact]
    public void Without_any_policy_each_relaxation_is_refused_where_it_is_written()
    {
        using var ws = new DescriptionWorkspace();
        var app = ws.Write("app", "vse: 1\nname: app\n" + Relaxed);

        var errors = ws.ResolveFails("app").Where(d => d.Code == DiagnosticCodes.ConfinementNotAllowed).ToList();

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(DiagnosticKind.Policy, e.Kind));
        Assert.Contains(errors, e => e.Location == Find(app, "unconfined") && e.Message.Contains("seccomp: unconfined", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Location == Find(app, "SYS_PTRACE") && e.Message.Contains("no site policy allows it", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void The_site_wide_policy_allows_exactly_what_it_lists()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "  allow:\n    seccomp: [unconfined]\n    capabilities: [SYS_PTRACE, SYS_NICE]");
        ws.Write("app", "vse: 1\nname: app\n" + Relaxed);
        ws.Write("more", "vse: 1\nname: more\nsecurity:\n  capabilities: [SYS_ADMIN]\n");

        var model = RuntimeModel.From(ws.ResolveOk("app"));
        var error = Single(ws.ResolveFails("more"), DiagnosticCodes.ConfinementNotAllowed);

        Assert.True(model.Security.SeccompUnconfined);
        Assert.Equal(["SYS_PTRACE"], model.Security.Capabilities);
        Assert.Contains("capability 'SYS_ADMIN' is not allowed by site policy (allow.capabilities of site-policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("SYS_PTRACE, SYS_NICE", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Every_layer_that_lists_relaxations_must_allow_it_the_most_restrictive_wins()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "  allow:\n    capabilities: [SYS_PTRACE]\n    seccomp: [unconfined]");
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy:\n  allow:\n    capabilities: []\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n" + Relaxed);

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.ConfinementNotAllowed);

        // hpc says nothing of seccomp (the site-wide file allows it), but allows no capability.
        Assert.Contains("capability 'SYS_PTRACE' is not allowed by site policy (allow.capabilities of hpc", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(": none)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_confinement_needs_no_policy()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nsecurity:\n  seccomp: default\n  capabilities: []\n");

        var model = RuntimeModel.From(ws.ResolveOk("app"));

        Assert.True(model.Security.IsDefault);
    }

    [Theory]
    [InlineData("security:\n  seccomp: off\n", "'security.seccomp' must be one of default, unconfined, not 'off'")]
    [InlineData("security:\n  capabilities: [CAP_SYS_PTRACE]\n", "not 'CAP_SYS_PTRACE'")]
    [InlineData("security:\n  capabilities: [sys_ptrace]\n", "not 'sys_ptrace'")]
    [InlineData("security:\n  apparmor: unconfined\n", "unknown key 'security.apparmor'")]
    public void A_relaxation_vse_does_not_know_is_an_input_error(string body, string message)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\n" + body);

        var errors = ws.ResolveFails("app");

        Assert.Contains(errors, e => e.Kind == DiagnosticKind.Input && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void A_policy_can_only_allow_relaxations_and_names_it_knows()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        WriteSiteWide(ws, "  allow:\n    seccomp: [default]\n    capabilities: [PTRACE]");
        ws.Write("app", "vse: 1\nname: app\n");

        var errors = ws.ResolveFails("app");

        Assert.Contains(errors, e => e.Message.Contains("'policy.allow.seccomp' must be one of unconfined, not 'default'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("not 'PTRACE'", StringComparison.Ordinal));
    }

    [Fact]
    public void Capability_numbers_are_the_kernels()
    {
        Assert.Equal(0, LinuxCapabilities.NumberOf("CHOWN"));
        Assert.Equal(19, LinuxCapabilities.NumberOf("SYS_PTRACE"));
        Assert.Equal(21, LinuxCapabilities.NumberOf("SYS_ADMIN"));
        Assert.Equal(40, LinuxCapabilities.NumberOf("CHECKPOINT_RESTORE"));
        Assert.Equal(-1, LinuxCapabilities.NumberOf("PTRACE"));
    }
}
