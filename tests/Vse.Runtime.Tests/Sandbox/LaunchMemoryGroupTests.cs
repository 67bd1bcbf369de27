using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Tests.Drivers;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// On cgroup v1 a launched instance gets a memory group of its own only when it has a memory
/// limit; without one it joins vse's shared memory group (<c>--cgroup-join</c>), and keeps a group
/// of its own in every other hierarchy (docs/runtime.md, "Scale"). On v2 (one hierarchy) its one
/// group is under <c>vse/unlimited-memory</c>, which gives its children no memory controller, so
/// the kernel makes no memory cgroup for it; with a limit it is under <c>vse</c> with memory.
/// </summary>
public sealed class LaunchMemoryGroupTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [SkippableFact]
    public Task WithoutAMemoryLimitTheInstanceSharesVsesMemoryGroup() => CheckAsync(memoryBytes: null);

    [SkippableFact]
    public Task WithAMemoryLimitTheInstanceHasAMemoryGroupOfItsOwn() => CheckAsync(memoryBytes: 64L << 20);

    private async Task CheckAsync(long? memoryBytes)
    {
        var driver = fixture.RequireLaunchedDriver();
        var placement = CgroupPlacer.ForThisProcess();
        var parent = placement.Path;
        if (parent is null || !placement.Has("memory"))
        {
            Requirements.Missing($"instances get no memory cgroup on this host: {placement.Reason}");
        }

        var id = "memgroup-" + Guid.NewGuid().ToString("N")[..10];
        var spec = new InstanceSpec(
            id, "memgroup", fixture.Rootfs, Path.Combine(fixture.StateRoot, id), new Dictionary<string, string> { ["PATH"] = "/bin" },
            [], Cpus: null, MemoryBytes: memoryBytes, NetworkMode.None, []);
        await using var instance = await RunningInstance.StartAsync(driver, spec);
        var pid = await driver.PidAsync(instance.Handle, CancellationToken.None);
        var groups = File.ReadAllLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3)).ToDictionary(f => f[1], f => f[2]);

        var own = $"{parent}/{id}";
        if (placement.V2Directory is { } directory)
        {
            // Made whenever vse's group has memory (CgroupPlacer).
            Assert.NotNull(placement.SharedMemoryDirectory);
            var shared = memoryBytes is null;
            Assert.Equal(shared ? $"{parent}/{CgroupPlacement.SharedMemoryGroup}/{id}" : own, groups[""]);
            var group = shared ? Path.Combine(directory, CgroupPlacement.SharedMemoryGroup, id) : Path.Combine(directory, id);
            // memory.current exists exactly where the kernel made a memory cgroup; pids stays per instance.
            Assert.Equal(!shared, File.Exists(Path.Combine(group, "memory.current")));
            Assert.Equal(placement.Has("pids"), File.Exists(Path.Combine(group, "pids.current")));
            return;
        }

        Assert.Equal(memoryBytes is null ? parent : own, groups["memory"]);
        Assert.Equal(own, groups["pids"]);
        Assert.Equal(memoryBytes is null, !Directory.Exists($"/sys/fs/cgroup/memory{own}"));
    }
}
