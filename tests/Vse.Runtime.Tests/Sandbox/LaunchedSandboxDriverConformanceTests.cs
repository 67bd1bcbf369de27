using Vse.Runtime.Drivers;
using Vse.Runtime.Tests.Drivers;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>The conformance suite against the bulk launch path (native/vse-launch), on the same busybox configuration.</summary>
public sealed class LaunchedSandboxDriverConformanceTests(SandboxFixture fixture) : DriverConformanceTests, IClassFixture<SandboxFixture>
{
    protected override string ConfigurationRootfs => fixture.Rootfs;

    protected override string StateRoot => fixture.StateRoot;

    protected override IDriver RequireDriver() => fixture.RequireLaunchedDriver();
}
