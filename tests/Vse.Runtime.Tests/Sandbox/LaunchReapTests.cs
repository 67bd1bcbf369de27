using Vse.Runtime.Processes;
using Vse.Runtime.Sandbox;
using Vse.Runtime.Sandbox.Launch;
using Vse.Runtime.Tests.Support;
using Vse.Testing;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// The launcher reaps an instance's init that ended while it still runs (held instances of the same
/// launch keep it up) when the SIGCHLD comes, not on its next event: it no longer looks for ended
/// children after every event, which walked all its children in the kernel each time and made a
/// deploy O(N^2) (bench/RESULTS.md, "scale6").
/// </summary>
public sealed class LaunchReapTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly TempDirectory _directory = new("vse-launch-reap-test-");

    [SkippableFact]
    public async Task An_init_that_ended_is_reaped_while_the_launcher_waits_with_nothing_else_to_do()
    {
        fixture.RequireLaunchedDriver();
        var specs = new[] { "reap-0", "reap-1" }
            .Select(id => SampleSpecs.Spec(rootfs: fixture.Rootfs, stateDirectory: _directory.Combine(id), cpus: null, memory: null, id: id))
            .ToList();
        foreach (var spec in specs)
        {
            new OverlayRoot(spec.Rootfs, spec.StateDirectory).MakeLayers();
        }

        var shape = LaunchShape.Of(specs[0], seccompFilter: null, cgroupRoots: [], hold: true, userNamespace: false);
        await using var session = LaunchSession.Start(LaunchedSandboxDriver.FindLauncher()!, shape);
        var held = await session.AddManyAsync([.. specs.Select(s => new LaunchLine(s.Id, s.Hostname, s.Rootfs, s.StateDirectory, ""))], CancellationToken.None);
        var pids = await Task.WhenAll(held);
        await session.StartAsync("reap-0", CancellationToken.None);

        // reap-1 stays held: the launcher keeps running and has no line to read meanwhile.
        Signals.Send(pids[0], Signal.Kill);
        // Gone from /proc only once reaped (a zombie keeps its entry); the deadline guards against a hang.
        await Poll.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pids[0]}")), $"instance init {pids[0]} reaped by the launcher");

        Assert.True(Directory.Exists($"/proc/{pids[1]}"), "the held instance ended too");
    }

    public void Dispose() => _directory.Dispose();
}
