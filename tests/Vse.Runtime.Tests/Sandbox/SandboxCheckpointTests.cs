using Vse.Runtime.Drivers;
using Vse.Runtime.Sandbox;
using Vse.Runtime.Tests.Drivers;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// Checkpoint where the sandbox driver is concerned: the CRIU probe must predict what a real
/// <c>runc checkpoint</c> does, and a checkpoint that cannot be made must leave the instance
/// running and its state as it was.
/// </summary>
public sealed class SandboxCheckpointTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxDriver RequireDriver()
    {
        if (fixture.Driver is null)
        {
            Requirements.Missing(fixture.Unavailable ?? "the sandbox driver is unavailable");
        }

        return fixture.Driver!;
    }

    private InstanceSpec NewSpec()
    {
        var id = "ckpt-" + Guid.NewGuid().ToString("N")[..10];
        return new InstanceSpec(
            id, "checkpoint", fixture.Rootfs, Path.Combine(fixture.StateRoot, id),
            new Dictionary<string, string> { ["PATH"] = "/bin:/sbin:/usr/bin:/usr/sbin" }, [], Cpus: 1, MemoryBytes: 64L << 20, NetworkMode.None, []);
    }

    [SkippableFact]
    public async Task ARealCheckpointDoesWhatTheCriuProbePredicts()
    {
        var driver = RequireDriver();
        Requirements.Tool("criu");
        var probe = await CriuProbe.ProbeAsync(CancellationToken.None);
        await using var instance = await RunningInstance.StartAsync(driver, NewSpec());
        await InstanceCounter.StartAsync(instance);
        var before = await InstanceCounter.WaitForAsync(instance, atLeast: 3);
        var target = Path.Combine(fixture.StateRoot, "checkpoint-" + instance.Spec.Id);
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "earlier"), "an earlier checkpoint");
        var stateEntries = Entries(instance.Handle.StateDirectory);

        if (probe.Works)
        {
            await driver.CheckpointUncheckedAsync(instance.Handle, target, leaveRunning: true, CancellationToken.None);

            Assert.True(File.Exists(Path.Combine(target, "inventory.img")), "CRIU wrote no inventory.img");
            Assert.False(File.Exists(Path.Combine(target, "earlier")), "the new checkpoint did not replace the earlier one");
        }
        else
        {
            var failure = await Assert.ThrowsAsync<CheckpointFailedException>(() =>
                driver.CheckpointUncheckedAsync(instance.Handle, target, leaveRunning: false, CancellationToken.None));

            Assert.Equal("CRIU: " + probe.Error, failure.Reason);
            Assert.Equal(["earlier"], Entries(target));
            Assert.Equal("an earlier checkpoint", await File.ReadAllTextAsync(Path.Combine(target, "earlier")));
        }

        // Either way the instance runs on, its counter counting, and the checkpoint's scratch
        // files (runtime log, CRIU's work directory, the partial images) are gone.
        Assert.Equal(InstanceState.Running, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
        await InstanceCounter.WaitForAsync(instance, atLeast: before + 5);
        Assert.Equal(stateEntries, Entries(instance.Handle.StateDirectory));
        Assert.DoesNotContain(Entries(fixture.StateRoot), name => name.Contains(".partial-", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task WithoutAWorkingCriuCheckpointAndRestoreAreRefusedAndTheInstanceRunsOn()
    {
        var working = RequireDriver();
        var criu = new CriuProbeResult("/usr/sbin/criu", "3.17.1", "6.18.44", Works: false, "vdso: Unexpected rt vDSO area bounds");
        var driver = new SandboxDriver(working.Runtime, fixture.RuntimeRoot, criu);
        await using var instance = await RunningInstance.StartAsync(driver, NewSpec());
        await InstanceCounter.StartAsync(instance);
        var before = await InstanceCounter.WaitForAsync(instance, atLeast: 3);
        var checkpoint = Directory.CreateDirectory(Path.Combine(fixture.StateRoot, "checkpoint-" + instance.Spec.Id)).FullName;

        var refused = await Assert.ThrowsAsync<DriverCapabilityMissingException>(() =>
            driver.CheckpointAsync(instance.Handle, checkpoint, leaveRunning: false, CancellationToken.None));
        // A restore that went ahead would first stop the instance.
        await Assert.ThrowsAsync<DriverCapabilityMissingException>(() => driver.RestoreAsync(instance.Handle, checkpoint, CancellationToken.None));

        Assert.False(driver.Capabilities.Checkpoint);
        Assert.Equal(
            "the sandbox driver cannot checkpoint an instance: it needs CRIU, and CRIU 3.17.1 does not work here (kernel 6.18.44): vdso: Unexpected rt vDSO area bounds",
            refused.Message);
        Assert.Equal(InstanceState.Running, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
        await InstanceCounter.WaitForAsync(instance, atLeast: before + 5);
        Assert.Empty(Entries(checkpoint));
    }

    [SkippableFact]
    public async Task ADriverMadeWithoutAProbeDoesNotClaimCheckpoint()
    {
        var driver = new SandboxDriver(RequireDriver().Runtime, fixture.RuntimeRoot);

        Assert.False(driver.Capabilities.Checkpoint);
        var refused = await Assert.ThrowsAsync<DriverCapabilityMissingException>(() =>
            driver.CheckpointAsync(new InstanceHandle(SandboxDriver.DriverName, "never-created", fixture.StateRoot), "unused", leaveRunning: true, CancellationToken.None));
        Assert.Contains("CRIU was not probed", refused.Message, StringComparison.Ordinal);
    }

    private static List<string> Entries(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];
}
