using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>The bulk launcher's filter file: one per deployment, and a launcher that refuses a file that is not a whole program or a capability that is none.</summary>
public sealed class LaunchSeccompFilterTests : IDisposable
{
    private readonly string _deployment = Directory.CreateTempSubdirectory("vse-launch-seccomp-").FullName;

    [Fact]
    public void Every_instance_of_a_deployment_shares_one_filter_beside_their_state_directories()
    {
        var first = LaunchSeccompFilter.Ensure(Path.Combine(_deployment, "dep-0"));
        var written = File.GetLastWriteTimeUtc(first);
        var second = LaunchSeccompFilter.Ensure(Path.Combine(_deployment, "dep-1") + "/");

        Assert.Equal(Path.Combine(_deployment, LaunchSeccompFilter.FileName), first);
        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second));
        Assert.Equal(0, new FileInfo(first).Length % 8);
    }

    [SkippableTheory]
    [InlineData(7)]
    [InlineData(0)]
    public async Task The_launcher_refuses_a_filter_that_is_not_whole_instructions(int length)
    {
        var filter = Path.Combine(_deployment, "broken.bpf");
        await File.WriteAllBytesAsync(filter, new byte[length]);

        var (exitCode, stderr) = await LauncherProcess.RunAsync("--seccomp", filter, "--init");

        Assert.Equal(2, exitCode);
        Assert.Equal($"vse-launch: seccomp {filter}: Invalid argument\n", stderr);
    }

    [Fact]
    public void Allowed_relaxations_become_cap_arguments_and_unconfined_passes_no_filter()
    {
        var shape = new LaunchShape(new Dictionary<string, string>(), [], [], [], null, "/filter.bpf", Capabilities: [], Hold: false);
        var relaxed = shape with { SeccompFilter = null, Capabilities = [12, 19] };

        Assert.Equal(["--seccomp", "/filter.bpf", "--init"], shape.Arguments());
        Assert.Equal(["--cap", "12", "--cap", "19", "--init"], relaxed.Arguments());
    }

    [SkippableTheory]
    [InlineData("99")]
    [InlineData("-1")]
    [InlineData("19x")]
    [InlineData("")]
    public async Task The_launcher_refuses_a_capability_number_the_kernel_does_not_have(string number)
    {
        var (exitCode, stderr) = await LauncherProcess.RunAsync("--cap", number, "--init");

        Assert.NotEqual(0, exitCode);
        Assert.StartsWith("usage: vse-launch", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_deployment, recursive: true);
}
