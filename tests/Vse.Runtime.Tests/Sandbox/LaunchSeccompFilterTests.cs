using System.Runtime.InteropServices;
using Vse.Host.Confinement;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>The bulk launcher's filter file: one per home named by the profile, or one per deployment; and a launcher that refuses a file that is not a whole program or a capability that is none.</summary>
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

    [Fact]
    public void Every_launch_of_a_home_shares_one_filter_named_by_its_profile_and_compiled_once()
    {
        var home = Path.Combine(_deployment, "home");

        var first = LaunchSeccompFilter.EnsureShared(home);
        var written = File.GetLastWriteTimeUtc(first);
        var second = LaunchSeccompFilter.EnsureShared(home + "/");

        Assert.Equal(Path.Combine(home, $"launch-seccomp-{LaunchSeccompFilter.ProfileKey}.bpf"), first);
        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second));
        Assert.Equal(0, new FileInfo(first).Length % 8);
        Assert.Equal([first], Directory.GetFiles(home));
    }

    [Fact]
    public void The_shared_filter_s_name_changes_with_any_field_of_any_rule_and_with_the_architecture()
    {
        var rules = SeccompProfile.Rules;
        var key = LaunchSeccompFilter.KeyOf(rules, Architecture.X64);
        var withCondition = rules.First(r => r.Conditions.Count > 0);
        var at = rules.ToList().IndexOf(withCondition);
        IReadOnlyList<SeccompRule> Changed(SeccompRule rule) => [.. rules.Take(at), rule, .. rules.Skip(at + 1)];

        Assert.Equal(key, LaunchSeccompFilter.KeyOf([.. rules], Architecture.X64));
        Assert.Matches("^[0-9a-f]{16}$", key);
        Assert.NotEqual(key, LaunchSeccompFilter.KeyOf(rules, Architecture.Arm64));
        Assert.NotEqual(key, LaunchSeccompFilter.KeyOf(rules.Skip(1).ToList(), Architecture.X64));
        Assert.NotEqual(key, LaunchSeccompFilter.KeyOf(Changed(withCondition with { Errno = withCondition.Errno + 1 }), Architecture.X64));
        Assert.NotEqual(key, LaunchSeccompFilter.KeyOf(Changed(withCondition with { Names = [.. withCondition.Names, "getpid"] }), Architecture.X64));
        var condition = withCondition.Conditions[0];
        Assert.NotEqual(key, LaunchSeccompFilter.KeyOf(Changed(withCondition with { Conditions = [condition with { Value = condition.Value ^ 1 }, .. withCondition.Conditions.Skip(1)] }), Architecture.X64));
        Assert.NotEqual(key, LaunchSeccompFilter.KeyOf(Changed(withCondition with { Conditions = [condition with { Index = condition.Index + 1 }, .. withCondition.Conditions.Skip(1)] }), Architecture.X64));
        // The explanation is documentation, not part of the program.
        Assert.Equal(key, LaunchSeccompFilter.KeyOf(Changed(withCondition with { Why = "another reason" }), Architecture.X64));
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
