using Vse.Runtime.Drivers;
using Vse.Runtime.Sandbox.Launch;
using Vse.Runtime.Tests.Drivers;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// Launched instances without a network share one sysfs superblock (<see cref="SharedSysfs"/>),
/// made in the empty namespace bound at <see cref="SharedSysfs.EmptyNetworkNamespace"/>: the same
/// device number in every instance, not the host's. That they see only lo, read-only, is the
/// conformance suite's (<see cref="DriverConformanceTests.AnInstanceWithoutANetworkSeesOnlyItsLoopbackInSysReadOnly"/>).
/// </summary>
public sealed class LaunchSharedSysfsTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [SkippableFact]
    public async Task Instances_without_a_network_share_one_sysfs_that_is_not_the_hosts()
    {
        var driver = fixture.RequireLaunchedDriver();
        await using var first = await RunningInstance.StartAsync(driver, Spec());
        await using var second = await RunningInstance.StartAsync(driver, Spec());

        var devices = new[] { await SysDeviceAsync(first), await SysDeviceAsync(second) };

        Assert.Equal(devices[0], devices[1]);
        Assert.NotEqual(SysDevice(await File.ReadAllTextAsync("/proc/self/mountinfo")), devices[0]);
        Assert.Contains(File.ReadLines("/proc/self/mountinfo"), l => l.Split(' ')[4] == SharedSysfs.EmptyNetworkNamespace);
    }

    /// <summary>The MAJOR:MINOR of the filesystem on the instance's /sys, as its mountinfo says.</summary>
    private static async Task<string> SysDeviceAsync(RunningInstance instance)
    {
        var (exitCode, stdout, stderr) = await instance.ExecAsync("cat", "/proc/self/mountinfo");
        Assert.True(exitCode == 0, stderr);
        return SysDevice(stdout);
    }

    private static string SysDevice(string mountinfo) =>
        mountinfo.Split('\n').Select(l => l.Split(' ')).Last(f => f.Length > 4 && f[4] == "/sys")[2];

    private InstanceSpec Spec()
    {
        var id = "sysfs-" + Guid.NewGuid().ToString("N")[..10];
        return new InstanceSpec(
            id, "sysfs", fixture.Rootfs, Path.Combine(fixture.StateRoot, id), new Dictionary<string, string> { ["PATH"] = "/bin" },
            [], Cpus: null, MemoryBytes: null, NetworkMode.None, []);
    }
}
