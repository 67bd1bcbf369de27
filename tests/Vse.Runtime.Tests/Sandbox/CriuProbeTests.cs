using Vse.Runtime.Sandbox;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// The probe on its own. Whether its verdict matches what a real checkpoint does is
/// <see cref="SandboxCheckpointTests"/>'s business.
/// </summary>
public sealed class CriuProbeTests
{
    [Fact]
    public async Task WithoutCriuTheExplanationNamesThePackage()
    {
        var result = await CriuProbe.ProbeAsync("/nonexistent/criu", CancellationToken.None);

        Assert.False(result.Works);
        Assert.Null(result.Path);
        Assert.Equal("it needs CRIU, which is not installed (Debian package criu)", result.Explanation);
    }

    [Fact]
    public void AFailedCheckIsExplainedWithVersionKernelAndCriusReason()
    {
        var result = new CriuProbeResult("/usr/sbin/criu", "3.17.1", "6.18.44", false, "vdso: Unexpected rt vDSO area bounds");

        Assert.Equal("it needs CRIU, and CRIU 3.17.1 does not work here (kernel 6.18.44): vdso: Unexpected rt vDSO area bounds", result.Explanation);
        Assert.Null((result with { Works = true, Error = null }).Explanation);
    }

    [Theory]
    [InlineData("Version: 3.17.1\n", "3.17.1")]
    [InlineData("Version: 4.0\nGitID: v4.0-12-gabcdef\n", "4.0")]
    [InlineData("", null)]
    public void TheVersionIsReadFromCriuVersion(string output, string? expected) =>
        Assert.Equal(expected, CriuProbe.Version(output));

    [SkippableFact]
    public async Task TheInstalledCriuIsProbedWithItsVersionAndTheRunningKernel()
    {
        Requirements.Root();
        var criu = Requirements.Tool("criu");

        var result = await CriuProbe.ProbeAsync(CancellationToken.None);

        Assert.Equal(criu, result.Path);
        Assert.Matches(@"^\d+\.\d+(\.\d+)?$", result.Version);
        Assert.Equal((await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim(), result.Kernel);
        if (!result.Works)
        {
            // CRIU's words, without its source location, on one line.
            Assert.False(string.IsNullOrWhiteSpace(result.Error));
            Assert.DoesNotContain('\n', result.Error);
            Assert.DoesNotContain("criu/", result.Error, StringComparison.Ordinal);
        }
    }
}
