using Vse.Runtime.Host;

namespace Vse.Runtime.Tests.Host;

/// <summary>The rules of docs/host-facts.md ("KVM or TCG"): a /dev/kvm is not enough.</summary>
public sealed class KvmTests
{
    [Fact]
    public void Without_dev_kvm_it_is_TCG()
    {
        Assert.Equal("/dev/kvm is not present", Kvm.Refusal(new KvmFacts(false, null, ["kvm_intel"])));
    }

    [Fact]
    public void A_dev_kvm_that_does_not_open_read_write_is_TCG()
    {
        Assert.Contains("does not open read-write: Permission denied", Kvm.Refusal(new KvmFacts(true, "Permission denied", ["kvm_amd"])));
    }

    [Fact]
    public void A_dev_kvm_from_kvm_pvm_is_TCG_even_beside_kvm_intel()
    {
        Assert.Contains("kvm_pvm", Kvm.Refusal(new KvmFacts(true, null, ["kvm_intel", "kvm_pvm"])));
        Assert.Contains("kvm_pvm", Kvm.Refusal(new KvmFacts(true, null, ["kvm_pvm"])));
    }

    [Fact]
    public void A_dev_kvm_without_a_hardware_module_is_TCG()
    {
        Assert.Equal("neither kvm_intel nor kvm_amd is loaded", Kvm.Refusal(new KvmFacts(true, null, [])));
    }

    [Theory]
    [InlineData("kvm_intel")]
    [InlineData("kvm_amd")]
    public void An_openable_dev_kvm_with_a_hardware_module_may_be_tried(string module)
    {
        Assert.Null(Kvm.Refusal(new KvmFacts(true, null, [module])));
    }

    [Fact]
    public async Task This_machine_is_reported_by_its_own_facts()
    {
        var report = await Kvm.InspectAsync(CancellationToken.None);

        Assert.Equal(File.Exists("/dev/kvm"), report.Kvm.DevicePresent);
        Assert.Equal(Directory.Exists("/sys/module/kvm_pvm"), report.Kvm.Modules.Contains("kvm_pvm"));
        var qemu = Vse.Host.Processes.ExternalTool.Find(Kvm.Qemu);
        Assert.Equal(qemu is not null && Vse.Runtime.Host.BundledTool.Agent() is not null, report.DriverAvailable);
        if (qemu is null)
        {
            Assert.Equal("qemu-system-x86_64 not found (Debian: qemu-system-x86)", report.DriverReason);
        }

        if (!File.Exists("/dev/kvm") || Directory.Exists("/sys/module/kvm_pvm"))
        {
            Assert.Equal(VmAccelerator.Tcg, report.Accelerator);
        }
    }
}
