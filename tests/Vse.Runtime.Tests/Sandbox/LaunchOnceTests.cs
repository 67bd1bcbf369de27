using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// <c>vse-launch --once</c> (<c>vse run --runtime vse-launch</c>): the arguments vse gives it, and its
/// own failures, which must read 125 (the driver's "the launcher failed"), never an exit code the
/// command could have given. Running instances this way is in the conformance suite (RunOnce*).
/// </summary>
public sealed class LaunchOnceTests
{
    private static readonly LaunchLine Line = new("run-0", "app-0", "/store/rootfs", "/home/run/dep/0", "");

    [Fact]
    public void The_instance_line_the_working_directory_and_the_command_follow_the_shared_options()
    {
        var shape = new LaunchShape(new Dictionary<string, string> { ["PATH"] = "/bin" }, [], ["/sys/fs/cgroup/vse"], [], null, "/filter.bpf", Capabilities: [], Hold: false);

        Assert.Equal(
            ["--seccomp", "/filter.bpf", "--cgroup-root", "/sys/fs/cgroup/vse", "--env", "PATH=/bin",
                "--once", "run-0\tapp-0\t/store/rootfs\t/home/run/dep/0", "--cwd", "/tmp", "--", "sh", "-c", "exit 3"],
            shape.OnceArguments(Line, ["sh", "-c", "exit 3"], "/tmp"));
        Assert.Equal(["--once", "run-0\tapp-0\t/store/rootfs\t/home/run/dep/0", "--", "true"], (shape with { SeccompFilter = null, CgroupRoots = [], Env = new Dictionary<string, string>() }).OnceArguments(Line, ["true"], null));
        Assert.Throws<ArgumentOutOfRangeException>(() => shape.OnceArguments(Line, [], null));
    }

    [SkippableFact]
    public async Task A_filter_the_launcher_cannot_read_is_125_with_its_reason()
    {
        var (exitCode, stderr) = await LauncherProcess.RunAsync("--seccomp", "/no/such/filter.bpf", "--once", Line.Text, "--", "true");

        Assert.Equal(125, exitCode);
        Assert.Equal("vse-launch: seccomp /no/such/filter.bpf: No such file or directory\n", stderr);
    }

    [SkippableTheory]
    [InlineData(4)]
    [InlineData(2)]
    public async Task The_launcher_s_own_failure_exits_as_failure_exit_says(int code)
    {
        var (exitCode, stderr) = await LauncherProcess.RunAsync("--failure-exit", code.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seccomp", "/no/such/filter.bpf", "--once", Line.Text, "--", "true");

        Assert.Equal(code, exitCode);
        Assert.Equal("vse-launch: seccomp /no/such/filter.bpf: No such file or directory\n", stderr);
    }

    /// <summary>
    /// <c>--discard</c> (a <c>vse run</c> that became the launcher): whatever way the launcher ends,
    /// the instance's state directory goes, never through a link the instance planted, a directory
    /// overlayfs left mode 000 included, then the record and its directory.
    /// </summary>
    [SkippableFact]
    public async Task A_launcher_that_fails_removes_the_run_s_state_and_then_its_record_never_following_a_link()
    {
        var run = Directory.CreateTempSubdirectory("vse-discard-").FullName;
        var outside = Directory.CreateTempSubdirectory("vse-discard-outside-").FullName;
        try
        {
            var record = Path.Combine(run, "dep", "once.json");
            var state = Path.Combine(run, "dep", "0");
            Directory.CreateDirectory(Path.Combine(state, "upper", "a", "b"));
            Directory.CreateDirectory(Path.Combine(state, "work", "work"));
            File.WriteAllText(Path.Combine(state, "upper", "a", "b", "file"), "x");
            File.WriteAllText(Path.Combine(outside, "kept"), "kept");
            File.CreateSymbolicLink(Path.Combine(state, "upper", "a", "link"), outside);
            File.SetUnixFileMode(Path.Combine(state, "work", "work"), UnixFileMode.None);
            File.WriteAllText(record, "{}");
            var line = new LaunchLine("run-0", "app-0", "/store/rootfs", state, "");

            var (exitCode, _) = await LauncherProcess.RunAsync("--discard", record, "--seccomp", "/no/such/filter.bpf", "--once", line.Text, "--", "true");

            Assert.Equal(125, exitCode);
            Assert.False(Directory.Exists(Path.Combine(run, "dep")));
            Assert.Equal("kept", File.ReadAllText(Path.Combine(outside, "kept")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
            Directory.Delete(run, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData("--discard")]
    [InlineData("--failure-exit")]
    public async Task Discard_and_failure_exit_are_once_s_alone(string option)
    {
        var (exitCode, stderr) = await LauncherProcess.RunAsync(option, option == "--discard" ? "/tmp/once.json" : "4", "--", "true");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("usage: vse-launch", stderr, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("--init")]
    [InlineData("--hold")]
    public async Task Once_with_an_init_or_held_is_a_usage_error_of_125(string option)
    {
        var (exitCode, stderr) = await LauncherProcess.RunAsync(option == "--init" ? ["--once", Line.Text, "--init"] : ["--hold", "--once", Line.Text, "--", "true"]);

        Assert.Equal(125, exitCode);
        Assert.StartsWith("usage: vse-launch", stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_working_directory_without_once_is_a_usage_error_of_2()
    {
        var (exitCode, _) = await LauncherProcess.RunAsync("--cwd", "/tmp", "--", "true");

        Assert.Equal(2, exitCode);
    }
}
