using Vse.Runtime.Oci;

namespace Vse.Runtime.Tests.Oci;

public sealed class RuntimeErrorsTests
{
    [Fact]
    public void RuncLogfmtIsReducedToItsMessage()
    {
        const string output = "time=\"2026-11-25T18:00:00Z\" level=warning msg=\"ignored\"\n"
            + "time=\"2026-11-25T18:00:00Z\" level=error msg=\"container \\\"x\\\" does not exist\"\n";

        Assert.Equal("container \"x\" does not exist", RuntimeErrors.OneLine(output, 1));
    }

    [Fact]
    public void CrunOutputIsKeptAsItIs() =>
        Assert.Equal("crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2",
            RuntimeErrors.OneLine("crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2\n", 1));

    [Fact]
    public void SilenceGivesTheExitCode() => Assert.Equal("exit code 4 without a message", RuntimeErrors.OneLine("\n", 4));
}
