using System.Diagnostics;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse build</c>, <c>images</c>, <c>destroy</c> and <c>gc</c> as processes: caching across
/// runs, a build killed with SIGKILL, two builds at once.
/// </summary>
public sealed class BuildCommandTests
{
    private const string Hello = """
        vse: 1
        name: apps/hello-build
        os: {base: busybox}
        files: [{write: /etc/motd, content: "hello\n"}]
        build: [{run: "echo built > /built"}]
        """;

    [SkippableFact]
    public async Task A_second_build_is_all_cached_and_images_lists_it_until_destroyed()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("hello.vse.yaml", Hello);
        var first = await workspace.RunAsync("build", "hello.vse.yaml");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("[2/4] write /etc/motd  done", first.Stdout);
        Assert.Contains("4 built, 0 cached", first.Stdout);

        var second = await workspace.RunAsync("build", "hello.vse.yaml");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("[3/4] run echo built > /built  cached", second.Stdout);
        Assert.Contains("0 built, 4 cached", second.Stdout);

        var images = await workspace.RunAsync("images");
        Assert.Contains("apps/hello-build", images.Stdout);
        var id = images.Stdout.Split('\n')[1].Split(' ')[0];

        var destroyed = await workspace.RunAsync("destroy", id);
        Assert.Equal(0, destroyed.ExitCode);
        Assert.Contains("4 layers removed", destroyed.Stdout);
        Assert.DoesNotContain("apps/hello-build", (await workspace.RunAsync("images")).Stdout);
        Assert.Equal(2, (await workspace.RunAsync("destroy", id)).ExitCode);
    }

    /// <summary>
    /// A repeated build takes its configuration from the sightings beside the database
    /// (docs/build.md, "The configuration without the database") only while the database is
    /// unchanged: once the record is removed (a commit, by another process), the next build with
    /// every layer cached reads the database, finds nothing and records the configuration again,
    /// rather than trusting the sighting of a record that is gone. gc removes the file.
    /// </summary>
    [SkippableFact]
    public async Task A_build_after_its_record_was_removed_records_it_again_and_gc_removes_the_sightings()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("hello.vse.yaml", Hello);
        var sightings = Path.Combine(workspace.VseHome, "vse.db-sightings");
        foreach (var _ in new[] { 1, 2 })
        {
            var build = await workspace.RunAsync("build", "hello.vse.yaml");
            Assert.True(build.ExitCode == 0, build.Stderr);
        }

        Assert.True(File.Exists(sightings));
        var id = (await workspace.RunAsync("images")).Stdout.Split('\n')[1].Split(' ')[0];
        var state = await Vse.State.VseState.OpenAsync(new Vse.State.VseHome(workspace.VseHome), CancellationToken.None);
        Assert.True(await state.Configurations.DeleteAsync(id, CancellationToken.None));
        Assert.DoesNotContain("apps/hello-build", (await workspace.RunAsync("images")).Stdout);

        var again = await workspace.RunAsync("build", "hello.vse.yaml");

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("0 built, 4 cached", again.Stdout);
        Assert.Contains("apps/hello-build", (await workspace.RunAsync("images")).Stdout);
        var run = await workspace.RunAsync("run", "hello.vse.yaml", "--", "cat", "/built");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("built", run.Stdout.Trim());
        var gc = await workspace.RunAsync("gc");
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.False(File.Exists(sightings));
    }

    [SkippableFact]
    public async Task A_build_killed_in_the_middle_leaves_the_store_usable_and_gc_removes_the_leftovers()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("slow.vse.yaml", Hello.Replace("echo built > /built", "echo started > /started; sleep 60", StringComparison.Ordinal));
        var environment = new Dictionary<string, string>(workspace.Environment);
        var start = new ProcessStartInfo(VseProcess.Executable) { WorkingDirectory = workspace.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("build");
        start.ArgumentList.Add("slow.vse.yaml");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using (var build = Process.Start(start)!)
        {
            // Wait until the sandboxed step runs, then kill vse as hard as a crash would.
            var store = Path.Combine(workspace.VseHome, "store", "tmp");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!Directory.Exists(store) || !Directory.EnumerateFiles(store, "started", SearchOption.AllDirectories).Any())
            {
                Assert.True(DateTime.UtcNow < deadline, "the build step never started");
                await Task.Delay(100);
            }

            build.Kill(entireProcessTree: false);
            await build.WaitForExitAsync();
        }

        // The slow step never finished, so nothing of it is cached; a quick step shows the store still works.
        workspace.Write("slow.vse.yaml", Hello);
        var rebuilt = await workspace.RunAsync("build", "slow.vse.yaml");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        Assert.Contains("[2/4] write /etc/motd  cached", rebuilt.Stdout);

        var gc = await workspace.RunAsync("gc");
        Assert.Equal(0, gc.ExitCode);
        Assert.Matches("removed \\d+ layers, \\d+ pushed layer blobs and [1-9]\\d* leftovers", gc.Stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "store", "tmp")));
        Assert.Contains("0 built", (await workspace.RunAsync("build", "slow.vse.yaml")).Stdout);
    }

    /// <summary>
    /// A step runs as root: killed with vse, it must not run on as an orphan (issue 15, hole 7).
    /// Every process of the step carries a marker (bubblewrap and unshare in their arguments, the
    /// step's shell and sleep in their environment).
    /// </summary>
    [SkippableFact]
    public async Task A_build_killed_with_sigkill_leaves_no_step_process_behind()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        using var workspace = new Workspace();
        var marker = "vse-orphan-probe-" + Guid.NewGuid().ToString("N");
        workspace.Write("endless.vse.yaml", $$"""
            vse: 1
            name: apps/endless
            os: {base: busybox}
            build:
              - run: sleep 1000
                env:
                  VSE_TEST_MARKER: {{marker}}
            """);
        var start = new ProcessStartInfo(VseProcess.Executable) { WorkingDirectory = workspace.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("build");
        start.ArgumentList.Add("endless.vse.yaml");
        foreach (var (key, value) in workspace.Environment)
        {
            start.Environment[key] = value;
        }

        using (var build = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!ProcessesMarked(marker).Any(p => p.Command.StartsWith("sleep", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline && !build.HasExited, "the step's sleep never started");
                await Task.Delay(100);
            }

            build.Kill(entireProcessTree: false);
            await build.WaitForExitAsync();
        }

        // The kernel delivers the parent-death signals as vse goes; the deadline is only a guard.
        var gone = DateTime.UtcNow.AddSeconds(30);
        while (ProcessesMarked(marker).Count > 0 && DateTime.UtcNow < gone)
        {
            await Task.Delay(100);
        }

        Assert.Empty(ProcessesMarked(marker));
    }

    /// <summary>Processes whose command line or environment holds <paramref name="marker"/>, with their command lines.</summary>
    private static List<(int Pid, string Command)> ProcessesMarked(string marker)
    {
        var marked = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (command.Contains(marker, StringComparison.Ordinal) || File.ReadAllText(Path.Combine(directory, "environ")).Contains(marker, StringComparison.Ordinal))
                {
                    marked.Add((pid, command));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or a kernel thread.
            }
        }

        return marked;
    }

    [SkippableFact]
    public async Task Two_builds_of_one_description_at_once_produce_one_set_of_layers()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("hello.vse.yaml", Hello);
        var both = await Task.WhenAll(workspace.RunAsync("build", "hello.vse.yaml"), workspace.RunAsync("build", "hello.vse.yaml"));
        Assert.All(both, outcome => Assert.True(outcome.ExitCode == 0, outcome.Stderr));
        Assert.Equal(4, Directory.EnumerateDirectories(Path.Combine(workspace.VseHome, "store", "layers")).Count());
        Assert.Single((await workspace.RunAsync("images")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }

    [Fact]
    public async Task An_unknown_export_format_is_invalid_input()
    {
        using var workspace = new Workspace();
        workspace.Write("hello.vse.yaml", Hello);
        var outcome = await workspace.RunAsync("build", "hello.vse.yaml", "--output", "zip:/tmp/x.zip");
        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("vse: error: --output zip:/tmp/x.zip:", outcome.Stderr);
    }

    [Fact]
    public async Task A_description_without_a_base_is_invalid_input()
    {
        using var workspace = new Workspace();
        workspace.Write("nobase.vse.yaml", "vse: 1\nname: nobase\n");
        var outcome = await workspace.RunAsync("build", "nobase.vse.yaml");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("sets no os.base", outcome.Stderr);
    }
}
