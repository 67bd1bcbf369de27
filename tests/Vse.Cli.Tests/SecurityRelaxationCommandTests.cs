namespace Vse.Cli.Tests;

/// <summary>
/// Issue 15, item 3: a description relaxes its instances' confinement (<c>security</c>) only where
/// site policy allows it; what was allowed reaches the instance, and nothing else.
/// </summary>
public sealed class SecurityRelaxationCommandTests
{
    private const string App = """
        vse: 1
        name: debugger
        os: {base: busybox}
        security: {seccomp: unconfined, capabilities: [SYS_PTRACE]}
        """;

    /// <summary>The site-wide policy that allows exactly what <see cref="App"/> asks for.</summary>
    private const string AllowingPolicy = "vse: 1\npolicy: {allow: {seccomp: [unconfined], capabilities: [SYS_PTRACE]}}\n";

    [SkippableFact]
    public async Task An_allowed_relaxation_reaches_the_instance_and_nothing_more()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("site/policy.vse.yaml", AllowingPolicy);
        workspace.Write("app.vse.yaml", App);

        var run = await workspace.RunAsync("run", "app.vse.yaml", "--", "grep", "-E", "^(CapBnd|Seccomp):", "/proc/self/status");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("Seccomp:\t0", run.Stdout);
        var bounding = Convert.ToUInt64(run.Stdout.Split('\n').Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)).Split('\t')[1], 16);
        Assert.True((bounding & 1UL << 19) != 0, $"no CAP_SYS_PTRACE in {bounding:x}");
        Assert.True((bounding & 1UL << 21) == 0, $"CAP_SYS_ADMIN in {bounding:x}");
    }

    [SkippableFact]
    public async Task Without_a_policy_that_allows_it_the_relaxation_is_a_policy_error()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", App);

        var run = await workspace.RunAsync("run", "app.vse.yaml", "--", "true");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("app.vse.yaml:4:21: error: seccomp: unconfined relaxes the confinement of instances, and no site policy allows it", run.Stderr);
        Assert.Contains("[VSE0608]", run.Stderr);
    }

    [SkippableFact]
    public async Task A_vm_refuses_security_rather_than_pretend_it_applied_it()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("site/policy.vse.yaml", AllowingPolicy);
        workspace.Write("app.vse.yaml", App);

        var run = await workspace.RunAsync("deploy", "app.vse.yaml", "--driver", "vm");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'security' relaxes the confinement of sandbox instances; a VM's guest runs its own kernel", run.Stderr);
    }
}
