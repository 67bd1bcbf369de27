using System.Diagnostics;

namespace Vse.Cli.Tests;

/// <summary>
/// A deploy killed half-way and an interactive exec: what a user meets outside the happy path
/// of <see cref="LifecycleCommandTests"/>.
/// </summary>
public sealed class DeployCrashAndTerminalTests
{
    private const string Tiny = """
        vse: 1
        name: apps/crash
        os: {base: busybox}
        """;

    [SkippableFact]
    public async Task A_deploy_killed_half_way_leaves_only_what_ps_shows_and_cleanup_removes()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("crash.vse.yaml", Tiny);
        // Built first, so the kill lands among instance starts rather than in the build.
        Assert.Equal(0, (await workspace.RunAsync("build", "crash.vse.yaml")).ExitCode);

        var run = Path.Combine(workspace.VseHome, "run");
        using (var deploy = StartVse(workspace, "deploy", "crash.vse.yaml", "--instances", "24"))
        {
            // Killed once some instances run and others are still to come.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (!(await workspace.RunAsync("ps")).Stdout.Contains(" running ", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline && !deploy.HasExited, "the deploy never had a running instance while it was still going");
            }

            Assert.False(deploy.HasExited, "the deploy finished before it could be killed");
            deploy.Kill();
            await deploy.WaitForExitAsync();
        }

        var ps = (await workspace.RunAsync("ps")).Stdout;
        var id = Directory.EnumerateDirectories(run).Select(Path.GetFileName).Single(d => d != "runtime")!;
        Assert.Contains(id, ps);
        Assert.Contains(" running ", ps);
        Assert.NotEmpty(await ContainersOfAsync(workspace, id));

        var cleaned = await workspace.RunAsync("cleanup", id);
        Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
        Assert.DoesNotContain(id, (await workspace.RunAsync("ps")).Stdout);
        Assert.Empty(await ContainersOfAsync(workspace, id));
        Assert.DoesNotContain(workspace.VseHome, await File.ReadAllTextAsync("/proc/self/mountinfo"));
        Assert.False(Directory.Exists(Path.Combine(run, id)));
        Assert.Empty(CgroupsOf(id));
    }

    [SkippableFact]
    public async Task An_instance_whose_init_was_killed_behind_vse_s_back_shows_as_exited_and_cleanup_removes_it()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("crash.vse.yaml", Tiny);
        var id = (await workspace.RunAsync("deploy", "crash.vse.yaml", "--instances", "2")).Stdout.Trim();
        var pid = int.Parse((await workspace.RunAsync("ps")).Stdout.Split('\n').Single(l => l.Contains(" apps-crash-1 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        using (var init = Process.GetProcessById(pid))
        {
            init.Kill();
        }

        // SIGKILL is not instant; the init is not vse's child to wait for.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string[] ps;
        while (!(ps = (await workspace.RunAsync("ps")).Stdout.Split('\n')).Any(l => l.Contains(" exited ", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Matches(" apps-crash-0 +running ", ps.Single(l => l.Contains(" apps-crash-0 ", StringComparison.Ordinal)));
        Assert.Matches(" apps-crash-1 +exited ", ps.Single(l => l.Contains(" apps-crash-1 ", StringComparison.Ordinal)));

        var cleaned = await workspace.RunAsync("cleanup", id);
        Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
        Assert.Empty(await ContainersOfAsync(workspace, id));
        Assert.Empty(CgroupsOf(id));
    }

    [SkippableFact]
    public async Task Exec_whose_instance_is_cleaned_up_under_it_says_so_instead_of_a_bare_137()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("crash.vse.yaml", Tiny);
        var id = (await workspace.RunAsync("deploy", "crash.vse.yaml")).Stdout.Trim();
        var marker = "4321";
        var exec = workspace.RunAsync("exec", id + "/0", "--", "sleep", marker);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!Directory.EnumerateDirectories("/proc").Any(p => ReadCommandLine(p) == "sleep\0" + marker + "\0"))
        {
            Assert.False(exec.IsCompleted, "exec ended before its command was seen");
            Assert.True(DateTime.UtcNow < deadline, "the command never started");
            await Task.Delay(20);
        }

        var cleaned = await workspace.RunAsync("cleanup", id);
        var outcome = await exec;

        Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
        Assert.Equal(4, outcome.ExitCode);
        Assert.Contains($"instance {id}/0 ended while the command ran", outcome.Stderr);
    }

    private static string? ReadCommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [SkippableFact]
    public async Task Exec_interrupted_passes_sigterm_to_the_command_inside_so_it_can_stop_cleanly()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("crash.vse.yaml", Tiny);
        var id = (await workspace.RunAsync("deploy", "crash.vse.yaml")).Stdout.Trim();
        try
        {
            var start = new ProcessStartInfo(VseProcess.Executable) { WorkingDirectory = workspace.Root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var argument in (string[])["exec", id + "/0", "--", "sh", "-c", "trap 'echo stopped > /tmp/term; exit 0' TERM; touch /tmp/started; while :; do sleep 0.1; done"])
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in workspace.Environment)
            {
                start.Environment[key] = value;
            }

            using var exec = Process.Start(start)!;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((await workspace.RunAsync("exec", id + "/0", "--", "test", "-e", "/tmp/started")).ExitCode != 0)
            {
                Assert.True(DateTime.UtcNow < deadline && !exec.HasExited, "the command never started");
            }

            // What a batch system's time limit or `timeout` sends.
            using (var kill = Process.Start("kill", ["-TERM", exec.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await exec.WaitForExitAsync();
            var term = await workspace.RunAsync("exec", id + "/0", "--", "cat", "/tmp/term");
            Assert.True(term.Stdout == "stopped\n", $"exec ended with {exec.ExitCode} ({await exec.StandardError.ReadToEndAsync()}); the command left: {term.Stdout}{term.Stderr}");
        }
        finally
        {
            await workspace.RunAsync("cleanup", id);
        }
    }

    /// <summary>Cgroups of the deployment's instances in every hierarchy (vse puts them under <c>vse/</c>).</summary>
    private static List<string> CgroupsOf(string deploymentId) =>
        Directory.Exists("/sys/fs/cgroup")
            ? Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, "vse")).Where(Directory.Exists)
                .SelectMany(Directory.EnumerateDirectories).Where(c => c.Contains(deploymentId, StringComparison.Ordinal)).ToList()
            : [];

    [SkippableFact]
    public async Task Exec_with_a_terminal_gives_the_command_one_and_refuses_without()
    {
        Requirements.Root();
        Requirements.Tool("script");
        using var workspace = new Workspace();
        workspace.Write("crash.vse.yaml", Tiny);
        var id = (await workspace.RunAsync("deploy", "crash.vse.yaml", "--instances", "2")).Stdout.Trim();
        try
        {
            var (exitCode, output) = await VseProcess.RunOnTerminalAsync(workspace.Environment, null, "exec", "-t", id + "/1", "--", "sh", "-c", "tty; hostname; exit 3");
            Assert.Equal(3, exitCode);
            Assert.Matches(@"/dev/pts/\d+", output);
            Assert.Contains("apps-crash-1", output);

            var notATerminal = await workspace.RunAsync("exec", "-t", id + "/0", "--", "true");
            Assert.Equal(2, notATerminal.ExitCode);
            Assert.Equal(["vse: error: exec --tty needs a terminal, and standard input is not one"], notATerminal.ErrorLines);
            var several = await workspace.RunAsync("exec", "-t", id, "--", "true");
            Assert.Equal(2, several.ExitCode);
            Assert.Contains("exec --tty runs in one instance", several.Stderr);
        }
        finally
        {
            await workspace.RunAsync("cleanup", id);
        }
    }

    /// <summary>
    /// Issue 12, item 6: the one-shot paths (one <c>runc run</c>, one <c>vse-launch --once</c>) write
    /// less before the command starts; a <c>vse run</c> killed while its command runs must still
    /// leave only what <c>vse cleanup</c> removes: the command's process, the cgroups, the mounts,
    /// the state directory and the records.
    /// </summary>
    [SkippableTheory]
    [InlineData("runc")]
    [InlineData("vse-launch")]
    public async Task A_run_killed_while_its_command_runs_leaves_only_what_cleanup_removes(string runtime)
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("crash.vse.yaml", Tiny);
        Assert.Equal(0, (await workspace.RunAsync("build", "crash.vse.yaml")).ExitCode);
        // A duration no other process on the host sleeps for, to find the command by.
        var marker = (3000 + Random.Shared.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture);

        int command;
        using (var vse = StartVse(workspace, "run", "crash.vse.yaml", "--runtime", runtime, "--", "sleep", marker))
        {
            int? found = null;
            await Poll.UntilAsync(() => Task.FromResult(vse.HasExited || (found = SleeperPid(marker)) is not null), "the command running in the instance");
            if (vse.HasExited)
            {
                Assert.Fail($"vse run ended before it could be killed: {await vse.StandardError.ReadToEndAsync()}");
            }

            command = found!.Value;
            vse.Kill();
            await vse.WaitForExitAsync();
        }

        var id = Directory.EnumerateDirectories(Path.Combine(workspace.VseHome, "run")).Select(Path.GetFileName).Single(d => d != "runtime")!;
        Assert.Contains(id, (await workspace.RunAsync("ps")).Stdout);

        var cleaned = await workspace.RunAsync("cleanup", id);

        Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
        Assert.DoesNotContain(id, (await workspace.RunAsync("ps")).Stdout);
        // Its init reaps it (the launcher, runc's parent of the container): gone, not merely killed.
        await Poll.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{command}") || SleeperPid(marker) is null), "the killed run's command to be gone");
        Assert.Empty(await ContainersOfAsync(workspace, id));
        Assert.DoesNotContain(workspace.VseHome, await File.ReadAllTextAsync("/proc/self/mountinfo"));
        Assert.False(Directory.Exists(Path.Combine(workspace.VseHome, "run", id)));
        Assert.Empty(CgroupsOf(id));
    }

    /// <summary>
    /// <c>vse ps</c> shows a one-shot <c>vse run</c>'s init PID, as for a deployed instance: the
    /// command itself is the init on both paths, its PID in <c>STATE/init.pid</c> (runc's
    /// <c>--pid-file</c>, vse-launch <c>--once</c>), which ps reads for an instance recorded without one.
    /// </summary>
    [SkippableTheory]
    [InlineData("runc")]
    [InlineData("vse-launch")]
    public async Task Ps_shows_the_init_pid_of_a_one_shot_run(string runtime)
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("once.vse.yaml", Tiny);
        Assert.Equal(0, (await workspace.RunAsync("build", "once.vse.yaml")).ExitCode);
        var marker = (4000 + Random.Shared.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var vse = StartVse(workspace, "run", "once.vse.yaml", "--runtime", runtime, "--", "sleep", marker);
        try
        {
            int? command = null;
            await Poll.UntilAsync(() => Task.FromResult(vse.HasExited || (command = SleeperPid(marker)) is not null), "the command running in the instance");
            Assert.False(vse.HasExited, "vse run ended before its command was seen");

            var row = (await workspace.RunAsync("ps")).Stdout.Split('\n').Single(line => line.Contains(" running ", StringComparison.Ordinal));
            Assert.Equal(command!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        }
        finally
        {
            if (SleeperPid(marker) is { } left)
            {
                System.Diagnostics.Process.GetProcessById(left).Kill();
            }

            await vse.WaitForExitAsync();
        }
    }

    /// <summary>The host PID of a running <c>sleep SECONDS</c>, or null.</summary>
    private static int? SleeperPid(string seconds)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(directory), out var pid) && File.ReadAllText(Path.Combine(directory, "cmdline")) == $"sleep\0{seconds}\0"
                    && !File.ReadAllText(Path.Combine(directory, "stat")).Split(") ")[1].StartsWith('Z'))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // It ended while we looked.
            }
        }

        return null;
    }

    /// <summary>vse started in the workspace and left running, to be killed.</summary>
    private static Process StartVse(Workspace workspace, params string[] arguments)
    {
        var start = new ProcessStartInfo(VseProcess.Executable) { WorkingDirectory = workspace.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in workspace.Environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>The runtime's own view: containers of the deployment that exist on the host, whatever vse's records say.</summary>
    private static async Task<IReadOnlyList<string>> ContainersOfAsync(Workspace workspace, string deploymentId)
    {
        var list = new ProcessStartInfo("runc") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--root", Path.Combine(workspace.VseHome, "run", "runtime"), "list", "-q"])
        {
            list.ArgumentList.Add(argument);
        }

        using var process = Process.Start(list)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(c => c.Contains(deploymentId, StringComparison.Ordinal)).ToList();
    }
}
