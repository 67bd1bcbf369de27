using Vse.Runtime.Sandbox;

namespace Vse.Runtime.Tests.Sandbox;

public sealed class SandboxInitTests
{
    [Fact]
    public void ServiceNamesArePositionalArgumentsNeverScriptText()
    {
        var args = SandboxDriver.InitArgs(["syslogd", "x; rm -rf /"]);

        Assert.Equal(["/bin/sh", "-c", SandboxDriver.InitScript, "vse-init", "syslogd", "x; rm -rf /"], args);
        Assert.DoesNotContain("syslogd", SandboxDriver.InitScript, StringComparison.Ordinal);
    }
}
