namespace Vse.Cli.Tests;

/// <summary>
/// <c>online: true</c> build steps run in a temporary instance of the configuration built so far:
/// the description's service runs, the hostname is a deployment's, and what the step wrote is a
/// cached layer like any other.
/// </summary>
public sealed class OnlineBuildStepTests
{
    private static readonly string Description = $$"""
        vse: 1
        name: apps/online
        os: {base: busybox}
        services: [syslogd]
        build:
          - {run: mkdir -p /var/log}
        {{TalkToTheService()}}
        """;

    /// <summary>
    /// The online step of a description whose service is syslogd (here in a sandbox, in
    /// OnlineVmTests in a VM): it logs through the service and keeps what only a running syslogd
    /// can have written (no build sandbox runs services), and the hostname it ran under; then
    /// <paramref name="more"/> commands.
    /// </summary>
    internal static string TalkToTheService(params string[] more) => string.Join('\n', [
        "  - id: talk-to-the-service",
        "    online: true",
        "    run: |",
        .. ((string[])[
            "i=0; until [ -S /dev/log ]; do i=$((i+1)); [ $i -lt 100 ] || exit 3; sleep 0.2; done",
            "logger -t vse-online \"hello through syslogd\"",
            "i=0; until grep -q \"hello through syslogd\" /var/log/messages; do i=$((i+1)); [ $i -lt 100 ] || exit 4; sleep 0.2; done",
            "grep -o \"vse-online.*\" /var/log/messages > /from-the-service",
            "hostname > /built-on",
            .. more,
            "echo step ran online",
        ]).Select(line => "      " + line),
    ]);

    [SkippableFact]
    public async Task An_online_step_talks_to_a_running_service_and_its_layer_is_cached()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("online.vse.yaml", Description);

        var first = await workspace.RunAsync("build", "online.vse.yaml", "-v", "--output", "dir:out");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("step ran online", first.Stdout);
        var rootfs = Path.Combine(workspace.Root, "out");
        Assert.Contains("hello through syslogd", File.ReadAllText(Path.Combine(rootfs, "from-the-service")));
        Assert.Equal("apps-online-0", File.ReadAllText(Path.Combine(rootfs, "built-on")).Trim());
        // The runtime's own mount points are not the step's changes.
        Assert.False(Directory.Exists(Path.Combine(rootfs, "sys", "fs")));

        var second = await workspace.RunAsync("build", "online.vse.yaml");
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("0 built, 4 cached", second.Stdout);
        // No instance of the step is left behind.
        Assert.DoesNotContain("apps-online", (await workspace.RunAsync("ps")).Stdout);
    }

    [SkippableFact]
    public async Task An_online_step_whose_service_logs_the_time_rebuilds_identically()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("online.vse.yaml", Description);

        var checkedBuild = await workspace.RunAsync("build", "online.vse.yaml", "--check", "--output", "dir:out");

        // syslogd wrote /var/log/messages with the time in both builds (VolatileFiles empties it).
        Assert.True(checkedBuild.ExitCode == 0, checkedBuild.Stdout + checkedBuild.Stderr);
        Assert.Contains("all 4 layers rebuilt identical", checkedBuild.Stdout);
        var rootfs = Path.Combine(workspace.Root, "out");
        Assert.Equal(0, new FileInfo(Path.Combine(rootfs, "var", "log", "messages")).Length);
        Assert.Contains("hello through syslogd", File.ReadAllText(Path.Combine(rootfs, "from-the-service")));
    }

    [SkippableFact]
    public async Task A_failing_online_step_fails_the_build_with_its_exit_code_and_caches_nothing()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("fail.vse.yaml", """
            vse: 1
            name: apps/online-fail
            os: {base: busybox}
            build: [{run: "echo partial > /partial; exit 7", online: true}]
            """);

        var failed = await workspace.RunAsync("build", "fail.vse.yaml");
        Assert.Equal(4, failed.ExitCode);
        Assert.Contains("exited with 7", failed.Stderr);
        var again = await workspace.RunAsync("build", "fail.vse.yaml");
        Assert.Contains("exited with 7", again.Stderr);
    }
}
