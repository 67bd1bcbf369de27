using Vse.Runtime.Vm.Boot;

namespace Vse.Runtime.Tests.Vm.Boot;

/// <summary>Real boots under TCG: Debian's kernel, vse's initramfs, a busybox disk, a stand-in agent.</summary>
public sealed class InitramfsBootTests(BootFixture fixture) : IClassFixture<BootFixture>
{
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_init_mounts_the_disk_and_hands_over_to_the_agent(bool compressed)
    {
        var kernel = fixture.Require();
        var initramfs = await fixture.Initramfs.GetAsync(kernel, fixture.Agent, fixture.Cache, compressed, CancellationToken.None);

        var (console, markerAfter) = await QemuBoot.RunAsync(kernel.Vmlinux, initramfs, CommandLine(), fixture.Disk);

        Assert.True(markerAfter is not null, console);
        Assert.Contains($"{BootFixture.Marker} {kernel.Release}", console);
        Assert.DoesNotContain("vse-init: error", console);
    }

    [SkippableFact]
    public async Task Without_a_disk_the_init_says_so_and_the_machine_stops()
    {
        var kernel = fixture.Require();
        var initramfs = await fixture.Initramfs.GetAsync(kernel, fixture.Agent, fixture.Cache, CancellationToken.None);

        var (console, _) = await QemuBoot.RunAsync(kernel.Vmlinux, initramfs, CommandLine(), disk: null, marker: "vse-init: error:");

        Assert.Contains("vse-init: error: no disk: /dev/vda did not appear within 5 s", console);
        Assert.DoesNotContain(BootFixture.Marker, console);
    }

    /// <summary>
    /// Debian's kernels find microvm's virtio-mmio devices only through ACPI (they lack
    /// CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES), and without ACPI a poweroff only halts: the init must
    /// still end the machine (a reboot, an exit under -no-reboot) rather than leave QEMU running.
    /// </summary>
    [SkippableFact]
    public async Task On_microvm_without_ACPI_a_debian_kernel_finds_no_disk_and_the_machine_still_stops()
    {
        var kernel = fixture.Require();
        var initramfs = await fixture.Initramfs.GetAsync(kernel, fixture.Agent, fixture.Cache, CancellationToken.None);

        var (console, _) = await QemuBoot.RunAsync(kernel.Vmlinux, initramfs, CommandLine(), fixture.Disk, machine: "microvm,acpi=off", marker: "vse-init: error:");

        Assert.Contains("vse-init: error: no disk", console);
    }

    [SkippableFact]
    public async Task The_archive_is_made_once_and_found_again()
    {
        var kernel = fixture.Require();
        var first = await fixture.Initramfs.GetAsync(kernel, fixture.Agent, fixture.Cache, CancellationToken.None);
        var written = File.GetLastWriteTimeUtc(first);

        var again = await new Initramfs(new Vse.Build.Bases.BusyboxBase(fixture.Scratch)).GetAsync(kernel, fixture.Agent, fixture.Cache, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again));
        Assert.Empty(Directory.GetFiles(fixture.Cache, "*.tmp"));
    }

    private string CommandLine() => BootCommandLine.Join(BootCommandLine.Build(null, fixture.TscKhz));
}
