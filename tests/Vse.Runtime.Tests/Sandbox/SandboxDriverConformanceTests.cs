using Vse.Runtime.Drivers;
using Vse.Runtime.Tests.Drivers;

namespace Vse.Runtime.Tests.Sandbox;

public sealed class SandboxDriverConformanceTests(SandboxFixture fixture) : DriverConformanceTests, IClassFixture<SandboxFixture>
{
    protected override string ConfigurationRootfs => fixture.Rootfs;

    protected override string StateRoot => fixture.StateRoot;

    protected override IDriver RequireDriver()
    {
        if (fixture.Driver is null)
        {
            Requirements.Missing(fixture.Unavailable ?? "the sandbox driver is unavailable");
        }

        return fixture.Driver!;
    }
}
