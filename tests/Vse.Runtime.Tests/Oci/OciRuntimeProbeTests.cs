using Vse.Runtime.Oci;

namespace Vse.Runtime.Tests.Oci;

public sealed class OciRuntimeProbeTests
{
    [SkippableFact]
    public async Task RuncRunsAProbeContainer()
    {
        Requirements.Root();
        Requirements.Tool("runc");

        var result = await OciRuntimeProbe.ProbeAsync("runc", CancellationToken.None);

        Assert.True(result.Works, result.Error);
        Assert.NotNull(result.Runtime);
    }

    [SkippableFact]
    public async Task CrunEitherWorksOrSaysWhyInOneLine()
    {
        Requirements.Root();
        Requirements.Tool("crun");

        var result = await OciRuntimeProbe.ProbeAsync("crun", CancellationToken.None);

        if (!result.Works)
        {
            Assert.False(string.IsNullOrWhiteSpace(result.Error));
            Assert.DoesNotContain('\n', result.Error);
            // On a hybrid cgroup host crun 1.8 must be recognised as refusing it.
            var hybrid = Directory.Exists("/sys/fs/cgroup/unified") && File.Exists("/sys/fs/cgroup/unified/cgroup.controllers");
            Assert.Equal(hybrid && result.Error!.Contains("hybrid", StringComparison.Ordinal), result.RefusesHybridCgroups);
        }
    }

    [Fact]
    public async Task AMissingRuntimeIsReportedNotThrown()
    {
        var result = await OciRuntimeProbe.ProbeAsync("no-such-runtime-vse", CancellationToken.None);

        Assert.False(result.Works);
        Assert.Null(result.Path);
        Assert.Contains("not installed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChoosingAMissingRuntimeIsAClearError()
    {
        var error = await Assert.ThrowsAsync<OciRuntimeUnavailableException>(() => OciRuntimeProbe.SelectAsync("no-such-runtime-vse", CancellationToken.None));

        Assert.Contains("'no-such-runtime-vse' does not work here", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task WithoutAChoiceAWorkingRuntimeIsSelected()
    {
        Requirements.Root();

        var runtime = await OciRuntimeProbe.SelectAsync(null, CancellationToken.None);

        Assert.Contains(runtime.Name, OciRuntimeProbe.KnownRuntimes);
        Assert.True((await OciRuntimeProbe.ProbeAsync(runtime.Name, CancellationToken.None)).Works);
    }
}
