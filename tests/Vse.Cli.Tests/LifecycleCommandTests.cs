namespace Vse.Cli.Tests;

/// <summary>The instance life cycle through the real executable: run, deploy, ps, exec, cleanup.</summary>
public sealed class LifecycleCommandTests
{
    private const string Hello = """
        vse: 1
        name: apps/life
        os: {base: busybox}
        files: [{write: /etc/motd, content: "inside\n"}]
        run: cat /etc/motd
        """;

    [SkippableFact]
    public async Task Run_builds_deploys_runs_and_cleans_up_passing_the_exit_code_through()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("life.vse.yaml", Hello);

        var described = await workspace.RunAsync("run", "life.vse.yaml");
        Assert.True(described.ExitCode == 0, described.Stderr);
        Assert.EndsWith("inside\n", described.Stdout);

        Assert.Equal(5, (await workspace.RunAsync("run", "life.vse.yaml", "--", "sh", "-c", "exit 5")).ExitCode);
        var piped = await workspace.RunWithInputAsync("through stdin\n", "run", "life.vse.yaml", "--", "sh", "-c", "cat; hostname; pwd");
        Assert.Equal("through stdin\napps-life-0\n/\n", piped.Stdout);
        // Without services the command is the instance's first process: one runtime invocation.
        Assert.Equal("cat\0/proc/1/cmdline\0", (await workspace.RunAsync("run", "life.vse.yaml", "--", "cat", "/proc/1/cmdline")).Stdout);
        var missing = await workspace.RunAsync("run", "life.vse.yaml", "--", "no-such-command");
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("no-such-command: command not found in the instance", missing.Stderr);

        Assert.Equal("DEPLOYMENT  NAME  DRIVER  INSTANCE  HOSTNAME  STATE  PID\n", (await workspace.RunAsync("ps")).Stdout);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "run")), d => Path.GetFileName(d) != "runtime");
    }

    [SkippableFact]
    public async Task A_deployment_of_two_instances_runs_until_cleaned_up_and_then_leaves_nothing_behind()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("life.vse.yaml", Hello);
        var deployed = await workspace.RunAsync("deploy", "life.vse.yaml", "--instances", "2");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim().Split('\n')[^1];
        Assert.Matches("^[0-9a-f]{8}$", id);

        var ps = (await workspace.RunAsync("ps")).Stdout;
        Assert.Contains($"{id}    apps/life  sandbox:", ps);
        Assert.Contains("apps-life-0", ps);
        Assert.Contains("apps-life-1", ps);
        Assert.Equal(2, ps.Split('\n').Count(l => l.Contains(" running ", StringComparison.Ordinal)));

        var hostname = await workspace.RunAsync("exec", id + "/1", "--", "hostname");
        Assert.Equal("apps-life-1\n", hostname.Stdout);
        Assert.Equal(1, (await workspace.RunAsync("exec", id, "--", "false")).ExitCode);
        Assert.Equal(3, (await workspace.RunAsync("exec", id, "--", "sh", "-c", "[ $(hostname) = apps-life-1 ] && exit 3; exit 1")).ExitCode);
        var fanned = await workspace.RunAsync("exec", id, "--", "sh", "-c", "hostname; printf 'no newline'; echo oops >&2");
        Assert.Equal(
            ["apps-life-0: apps-life-0", "apps-life-0: no newline", "apps-life-1: apps-life-1", "apps-life-1: no newline"],
            fanned.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal(["apps-life-0: oops", "apps-life-1: oops"], fanned.ErrorLines.Order(StringComparer.Ordinal));
        var grouped = await workspace.RunAsync("exec", "--group", id, "--", "cat", "/etc/motd");
        Assert.Equal("---------------\napps-life-[0-1] (2)\n---------------\ninside\n", grouped.Stdout);
        var written = await workspace.RunAsync("exec", id + "/0", "--", "sh", "-c", "echo changed > /etc/motd && cat /etc/motd");
        Assert.Equal("changed\n", written.Stdout);
        Assert.Equal("inside\n", (await workspace.RunAsync("exec", id + "/1", "--", "cat", "/etc/motd")).Stdout);

        var cleaned = await workspace.RunAsync("cleanup", id);
        Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
        Assert.DoesNotContain(id, (await workspace.RunAsync("ps")).Stdout);
        Assert.DoesNotContain(workspace.VseHome, await File.ReadAllTextAsync("/proc/self/mountinfo"));
        Assert.Equal(2, (await workspace.RunAsync("cleanup", id)).ExitCode);
        Assert.Equal(2, (await workspace.RunAsync("exec", id, "--", "true")).ExitCode);
    }

    [SkippableFact]
    public async Task A_deployment_suspends_and_resumes_and_its_service_output_is_in_the_logs()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("service.vse.yaml", """
            vse: 1
            name: apps/service
            os: {base: busybox}
            files: [{write: /usr/bin/greeter, content: "#!/bin/sh\necho greeting from the service\n", mode: "0755"}]
            services: [greeter]
            """);
        var id = (await workspace.RunAsync("deploy", "service.vse.yaml")).Stdout.Trim();
        try
        {
            var suspended = await workspace.RunAsync("suspend", id);
            Assert.True(suspended.ExitCode == 0, suspended.Stderr);
            Assert.Contains(" suspended ", (await workspace.RunAsync("ps")).Stdout);
            Assert.Equal(2, (await workspace.RunAsync("exec", id, "--", "true")).ExitCode);
            Assert.Equal(0, (await workspace.RunAsync("resume", id)).ExitCode);
            Assert.Equal(0, (await workspace.RunAsync("exec", id, "--", "true")).ExitCode);

            var logs = await workspace.RunAsync("logs", id);
            Assert.Contains("greeting from the service", logs.Stdout);

            // A service needs the init, so run takes the long way: the command is exec'd beside it.
            var run = await workspace.RunAsync("run", "service.vse.yaml", "--", "cat", "/proc/1/cmdline");
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("vse-init\0greeter\0", run.Stdout);
        }
        finally
        {
            await workspace.RunAsync("cleanup", id);
        }
    }

    [SkippableFact]
    public async Task Deploy_checks_the_site_policy_as_it_is_now_including_the_driver()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        var allowed = Path.Combine(workspace.Root, "data");
        Directory.CreateDirectory(allowed);
        var site = workspace.Write("site/base.vse.yaml", $$$"""
            vse: 1
            name: base
            os: {base: busybox}
            policy: {allow: {mounts: ["{{{workspace.Root}}}/**"], drivers: [sandbox]}}
            """);
        workspace.Write("app.vse.yaml", $$$"""
            vse: 1
            name: app
            extends: base
            mounts: {/data: {source: "{{{allowed}}}", mode: ro}}
            run: ls /data
            """);
        var first = await workspace.RunAsync("run", "app.vse.yaml");
        Assert.True(first.ExitCode == 0, first.Stderr);

        // The site tightens its policy after the image was built: the next deploy obeys it.
        await File.WriteAllTextAsync(site, (await File.ReadAllTextAsync(site)).Replace("drivers: [sandbox]", "drivers: [vm]", StringComparison.Ordinal));
        var refused = await workspace.RunAsync("deploy", "app.vse.yaml");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("driver 'sandbox' is not allowed by site policy", refused.Stderr);
    }

    [Fact]
    public async Task A_site_limit_on_instances_binds_the_command_line_as_it_binds_the_description()
    {
        using var workspace = new Workspace();
        workspace.Write("site/base.vse.yaml", """
            vse: 1
            name: base
            os: {base: busybox}
            policy: {limits: {deploy.instances: 2, deploy.per_node: 2}}
            """);
        workspace.Write("app.vse.yaml", """
            vse: 1
            name: app
            extends: base
            """);
        var tooMany = await workspace.RunAsync("deploy", "app.vse.yaml", "--instances", "3");
        Assert.Equal(3, tooMany.ExitCode);
        Assert.Contains("'deploy.instances' is 3, above the site limit of 2", tooMany.Stderr);
        var tooDense = await workspace.RunAsync("deploy", "app.vse.yaml", "--per-node", "5");
        Assert.Equal(3, tooDense.ExitCode);
        Assert.Contains("'deploy.per_node' is 5, above the site limit of 2", tooDense.Stderr);
        var none = await workspace.RunAsync("deploy", "app.vse.yaml", "--per-node", "0");
        Assert.Equal(2, none.ExitCode);
        Assert.Equal(["vse: error: --instances and --per-node must be at least 1"], none.ErrorLines);
    }
}
