using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Tests.Drivers;
using Vse.Runtime.Vm;

namespace Vse.Runtime.Tests.Vm;

/// <summary>
/// Live migration between two hosts: two network namespaces this test makes, joined by a veth
/// pair of their own (10.251.0.1 and .2, no route anywhere else), each the home of a driver.
/// A process counting in the guest's memory must count on across the move, there and back.
/// </summary>
public sealed class VmMigrationTests(VmFixture fixture) : IClassFixture<VmFixture>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    private string HostA => "vse-mig-a-" + _suffix;

    private string HostB => "vse-mig-b-" + _suffix;

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess || fixture.Driver is null)
        {
            return;
        }

        var ip = ExternalTool.Require("ip", "iproute2");
        await ExternalTool.RunAsync(ip, ["netns", "add", HostA], CancellationToken.None);
        await ExternalTool.RunAsync(ip, ["netns", "add", HostB], CancellationToken.None);
        await ExternalTool.RunAsync(ip, ["-n", HostA, "link", "add", "mig", "type", "veth", "peer", "name", "mig", "netns", HostB], CancellationToken.None);
        foreach (var (host, address) in new[] { (HostA, "10.251.0.1/30"), (HostB, "10.251.0.2/30") })
        {
            await ExternalTool.RunAsync(ip, ["-n", host, "addr", "add", address, "dev", "mig"], CancellationToken.None);
            await ExternalTool.RunAsync(ip, ["-n", host, "link", "set", "mig", "up"], CancellationToken.None);
            await ExternalTool.RunAsync(ip, ["-n", host, "link", "set", "lo", "up"], CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { HostA, HostB }.Where(host => File.Exists("/run/netns/" + host)))
        {
            await ExternalTool.RunAsync(ExternalTool.Require("ip", "iproute2"), ["netns", "delete", host], CancellationToken.None);
        }
    }

    [SkippableFact]
    public async Task ARunningVmMovesToAnotherHostAndBackWhileItsProcessesCountOn()
    {
        var (onA, spec) = OnHostA("migrant");
        await using var instance = await RunningInstance.StartAsync(onA, spec);
        Assert.Equal(await NamespaceOfAsync("/run/netns/" + HostA), await NamespaceOfAsync($"/proc/{(await onA.StateAsync(instance.Handle, CancellationToken.None)).Pid}/ns/net"));
        await InstanceCounter.StartAsync(instance);
        var beforeFirstMove = await InstanceCounter.WaitForAsync(instance, atLeast: 10);

        await onA.MigrateAsync(instance.Handle, new MigrationTarget("/run/netns/" + HostB, "10.251.0.2"), CancellationToken.None);

        var onB = await onA.StateAsync(instance.Handle, CancellationToken.None);
        Assert.Equal(InstanceState.Running, onB.State);
        Assert.Equal(await NamespaceOfAsync("/run/netns/" + HostB), await NamespaceOfAsync($"/proc/{onB.Pid}/ns/net"));
        var afterFirstMove = await InstanceCounter.WaitForAsync(instance, atLeast: beforeFirstMove + 5);

        await onA.MigrateAsync(instance.Handle, new MigrationTarget("/run/netns/" + HostA, "10.251.0.1"), CancellationToken.None);

        var back = await onA.StateAsync(instance.Handle, CancellationToken.None);
        Assert.Equal(await NamespaceOfAsync("/run/netns/" + HostA), await NamespaceOfAsync($"/proc/{back.Pid}/ns/net"));
        // A process started afresh would count from 1; this one counts on from where it was.
        var afterReturn = await InstanceCounter.ReadAsync(instance);
        Assert.True(afterReturn >= afterFirstMove, $"counted {beforeFirstMove}, then {afterFirstMove} on B, then {afterReturn} back on A");
        await InstanceCounter.WaitForAsync(instance, atLeast: afterFirstMove + 5);
        Assert.Equal("migrant\n", (await instance.ExecAsync("hostname")).Stdout);
    }

    [SkippableFact]
    public async Task AMigrationThatCannotReachItsTargetLeavesTheVmRunningWhereItWas()
    {
        var (onA, spec) = OnHostA("stayer");
        await using var instance = await RunningInstance.StartAsync(onA, spec);
        var pid = (await onA.StateAsync(instance.Handle, CancellationToken.None)).Pid;

        // 10.251.0.9 is nobody's: the destination QEMU cannot listen there.
        await Assert.ThrowsAnyAsync<Exception>(() =>
            onA.MigrateAsync(instance.Handle, new MigrationTarget("/run/netns/" + HostB, "10.251.0.9"), CancellationToken.None));

        var status = await onA.StateAsync(instance.Handle, CancellationToken.None);
        Assert.Equal(InstanceState.Running, status.State);
        Assert.Equal(pid, status.Pid);
        Assert.Equal(0, (await instance.ExecAsync("true")).ExitCode);
        Assert.Single(Directory.EnumerateDirectories(spec.StateDirectory, "run-*"));
    }

    /// <summary>A driver whose VMs run on host A, and a spec for one of them; skips (or fails under CI) without root or QEMU.</summary>
    private (VmDriver Driver, InstanceSpec Spec) OnHostA(string hostname)
    {
        Requirements.Root();
        fixture.RequireDriver();
        var spec = fixture.Spec(hostname, 128L << 20, new Dictionary<string, string> { ["PATH"] = "/bin:/sbin" });
        return (new VmDriver(fixture.Cache, fixture.Agent!, fixture.Accelerator, "/run/netns/" + HostA), spec);
    }

    /// <summary>A network namespace's identity: its inode, the same through /run/netns and /proc/PID/ns.</summary>
    private static async Task<string> NamespaceOfAsync(string path) =>
        (await ExternalTool.RunAsync("/usr/bin/stat", ["-L", "-c", "%i", path], CancellationToken.None)).Stdout.Trim();
}
