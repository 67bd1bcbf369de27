using Vse.Runtime.Drivers;

namespace Vse.Runtime.Tests.Vm;

/// <summary>A VM that does not boot is an error that says why (the console's last lines), never a hang, and leaves no QEMU behind.</summary>
public sealed class VmBootFailureTests(VmFixture fixture) : IClassFixture<VmFixture>
{
    [SkippableFact]
    public async Task A_kernel_that_panics_is_an_error_with_the_consoles_tail()
    {
        var driver = fixture.RequireDriver();
        var spec = fixture.Spec("panics");
        // No init where the kernel is told to look: it panics, and panic=-1 with -no-reboot ends QEMU.
        spec = spec with { Boot = spec.Boot! with { KernelArguments = [.. spec.Boot.KernelArguments, "rdinit=/no/such/init"] } };
        var handle = await driver.CreateAsync(spec, CancellationToken.None);
        try
        {
            var error = await Assert.ThrowsAsync<IOException>(() => driver.StartAsync(handle, CancellationToken.None));

            Assert.Contains($"instance '{spec.Id}' did not boot", error.Message);
            Assert.True(error.Message.Contains("Kernel panic", StringComparison.Ordinal), error.Message);
            Assert.Equal(InstanceState.Stopped, (await driver.StateAsync(handle, CancellationToken.None)).State);
        }
        finally
        {
            await driver.RemoveAsync(handle, CancellationToken.None);
        }
    }
}
