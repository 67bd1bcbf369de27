using Vse.Runtime.Drivers;
using Vse.Runtime.Tests.Drivers;
using Vse.Runtime.Vm;

namespace Vse.Runtime.Tests.Vm;

/// <summary>Stopping a VM is a clean shutdown through its agent (processes ended, disk synced), not a kill of QEMU.</summary>
public sealed class VmShutdownTests(VmFixture fixture) : IClassFixture<VmFixture>
{
    [SkippableFact]
    public async Task Stop_powers_the_guest_off_through_its_agent()
    {
        var driver = fixture.RequireDriver();
        var spec = fixture.Spec("shutdown");
        var instance = await RunningInstance.StartAsync(driver, spec);
        try
        {
            Assert.Equal(0, (await instance.ExecAsync("sh", "-c", "echo kept > /root/file")).ExitCode);

            // StopAsync's own way, which also says the guest powered off rather than being killed.
            Assert.True(await VmDriver.PowerOffAsync(instance.Handle.StateDirectory, TimeSpan.FromSeconds(30), CancellationToken.None));

            Assert.Equal(InstanceState.Stopped, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
            Assert.Contains("vse-agent: powering off", await File.ReadAllTextAsync(VmDriver.ConsoleLog(spec.StateDirectory)));

            // Started again from its own disk: what it wrote is there.
            await driver.StartAsync(instance.Handle, CancellationToken.None);
            Assert.Equal("kept\n", (await instance.ExecAsync("cat", "/root/file")).Stdout);
        }
        finally
        {
            await instance.DisposeAsync();
        }
    }
}
