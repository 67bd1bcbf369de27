using Vse.Build.Kernels;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Kernels;

/// <summary>
/// <c>path:FILE</c> kernels, with synthetic files: a bzImage whose directory has a sibling
/// <c>lib/modules/RELEASE</c> (as <c>/boot/vmlinuz-R</c> has <c>/lib/modules/R</c>) and an ELF
/// vmlinux without one.
/// </summary>
public sealed class KernelFileTests
{
    [SkippableFact]
    public async Task A_vmlinuz_takes_its_modules_from_the_sibling_lib_modules()
    {
        using var directory = new TempDirectory();
        var vmlinuz = await WriteTreeAsync(directory);

        var kernel = await new KernelStore(directory.Combine("store")).GetAsync(KernelSource.Parse("path:" + vmlinuz, "/"), CancellationToken.None);

        Assert.Equal(FakeBzImage.Release, kernel.Release);
        Assert.Equal(FakeElf.Kernel(), await File.ReadAllBytesAsync(kernel.Vmlinux));
        Assert.Equal(["kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/block/virtio_blk.ko"], await File.ReadAllLinesAsync(kernel.LoadList));
        Assert.StartsWith("file:sha256:", kernel.Identity);
        Assert.Contains("+modules:sha256:", kernel.Identity);
    }

    [SkippableFact]
    public async Task Concurrent_callers_get_one_entry()
    {
        using var directory = new TempDirectory();
        var vmlinuz = await WriteTreeAsync(directory);
        var source = KernelSource.Parse("path:" + vmlinuz, "/");

        var kernels = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new KernelStore(directory.Combine("store")).GetAsync(source, CancellationToken.None))));

        Assert.Single(kernels.Distinct());
        Assert.Single(Directory.GetDirectories(directory.Combine("store/entries")));
        Assert.Empty(Directory.GetFileSystemEntries(directory.Combine("store/tmp")));
    }

    [SkippableFact]
    public async Task The_same_content_under_a_new_name_reuses_the_entry_and_a_changed_file_gets_a_new_one()
    {
        using var directory = new TempDirectory();
        var vmlinuz = await WriteTreeAsync(directory);
        var store = new KernelStore(directory.Combine("store"));
        var first = await store.GetAsync(KernelSource.Parse("path:" + vmlinuz, "/"), CancellationToken.None);
        File.Copy(vmlinuz, directory.Combine("boot/vmlinuz-copy"));

        var copy = await store.GetAsync(KernelSource.Parse("path:vmlinuz-copy", directory.Combine("boot")), CancellationToken.None);
        await File.WriteAllBytesAsync(vmlinuz, await FakeBzImage.CreateAsync(FakeElf.Kernel(seed: 2), "xz", directory.Path));
        var changed = await store.GetAsync(KernelSource.Parse("path:" + vmlinuz, "/"), CancellationToken.None);

        Assert.Equal(first, copy);
        Assert.NotEqual(first.Identity, changed.Identity);
        Assert.Equal(FakeElf.Kernel(seed: 2), await File.ReadAllBytesAsync(changed.Vmlinux));
    }

    [Fact]
    public async Task An_ELF_vmlinux_without_modules_boots_with_an_empty_load_list()
    {
        using var directory = new TempDirectory();
        var vmlinux = directory.Combine("vmlinux");
        await File.WriteAllBytesAsync(vmlinux, FakeElf.Kernel());

        var kernel = await new KernelStore(directory.Combine("store")).GetAsync(KernelSource.Parse("path:vmlinux", directory.Path), CancellationToken.None);

        Assert.Equal("6.1.0-fake-amd64", kernel.Release);
        Assert.Equal("", await File.ReadAllTextAsync(kernel.LoadList));
        Assert.DoesNotContain("+modules", kernel.Identity);
    }

    [Theory]
    [InlineData("missing", "no such file")]
    [InlineData("text", "not a Linux kernel")]
    [InlineData("no-pvh", "no PVH entry note")]
    public async Task A_file_that_cannot_boot_is_a_kernel_source_error(string file, string message)
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.Combine("text"), "hello\n");
        await File.WriteAllBytesAsync(directory.Combine("no-pvh"), FakeElf.Kernel(pvh: false));

        var error = await Assert.ThrowsAsync<KernelSourceException>(
            () => new KernelStore(directory.Combine("store")).GetAsync(KernelSource.Parse("path:" + file, directory.Path), CancellationToken.None));

        Assert.Contains(message, error.Message);
        Assert.StartsWith($"os.kernel path:{directory.Combine(file)}: ", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Combine("store/tmp")));
    }

    /// <returns>DIRECTORY/boot/vmlinuz-R, beside DIRECTORY/lib/modules/R with virtio_blk (xz) and virtio_ring.</returns>
    private static async Task<string> WriteTreeAsync(TempDirectory directory)
    {
        var vmlinuz = directory.Combine("boot/vmlinuz-" + FakeBzImage.Release);
        Directory.CreateDirectory(Path.GetDirectoryName(vmlinuz)!);
        await File.WriteAllBytesAsync(vmlinuz, await FakeBzImage.CreateAsync(FakeElf.Kernel(), "xz", directory.Path));
        var modules = directory.CreateDirectory("lib/modules/" + FakeBzImage.Release);
        Directory.CreateDirectory(Path.Combine(modules, "kernel/drivers/block"));
        Directory.CreateDirectory(Path.Combine(modules, "kernel/drivers/virtio"));
        await File.WriteAllBytesAsync(Path.Combine(modules, "kernel/drivers/block/virtio_blk.ko"), FakeElf.Module("depends=virtio_ring"));
        await File.WriteAllBytesAsync(Path.Combine(modules, "kernel/drivers/virtio/virtio_ring.ko"), FakeElf.Module("depends="));
        await Vse.Host.Processes.ExternalTool.RunAsync(Requirements.Tool("xz"), ["-q", Path.Combine(modules, "kernel/drivers/block/virtio_blk.ko")], CancellationToken.None);
        return vmlinuz;
    }
}
