using Vse.Build.Bases;
using Vse.Runtime.Oci;
using Vse.Runtime.Sandbox;
using Vse.Runtime.Sandbox.Launch;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// One busybox configuration (made by the build's own busybox base) and one sandbox driver on
/// the runtime the probe selects, shared by the conformance tests of a class.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("vse-sandbox-test-");

    public string Rootfs => _directory.Combine("configuration");

    public string StateRoot => _directory.Combine("instances");

    /// <summary>The runtime's state directory, for a second driver on the same containers.</summary>
    public string RuntimeRoot => _directory.Combine("runtime");

    public SandboxDriver? Driver { get; private set; }

    /// <summary>Why the driver cannot run here, when it cannot.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>A bulk-launch driver (native/vse-launch) on this fixture's busybox; skips when the sandbox driver or the launcher is unavailable.</summary>
    public LaunchedSandboxDriver RequireLaunchedDriver()
    {
        if (Driver is null)
        {
            Requirements.Missing(Unavailable ?? "the sandbox driver is unavailable");
        }

        var launcher = LaunchedSandboxDriver.FindLauncher();
        if (launcher is null)
        {
            Requirements.Missing("vse-launch is not built (make -C native/vse-launch; test.sh does)");
        }

        return new LaunchedSandboxDriver(launcher!);
    }

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Unavailable = "the sandbox driver needs root (rootless mode is not implemented yet)";
            return;
        }

        try
        {
            var runtime = await OciRuntimeProbe.SelectAsync(Environment.GetEnvironmentVariable("VSE_TEST_RUNTIME"), CancellationToken.None);
            Directory.CreateDirectory(Rootfs);
            await new BusyboxBase(_directory.Path).CreateAsync(Rootfs, null, CancellationToken.None);
            Directory.CreateDirectory(StateRoot);
            // Probed as vse checkpoint does, so the conformance suite sees the capability users get.
            Driver = new SandboxDriver(runtime, RuntimeRoot, await CriuProbe.ProbeAsync(CancellationToken.None));
        }
        catch (OciRuntimeUnavailableException e)
        {
            Unavailable = e.Message;
        }
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
