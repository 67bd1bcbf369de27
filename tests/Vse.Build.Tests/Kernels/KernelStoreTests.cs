using System.Text.RegularExpressions;
using Vse.Build.Kernels;

namespace Vse.Build.Tests.Kernels;

/// <summary>The real thing: Debian's kernel package through apt, as vse fetches it.</summary>
public sealed partial class KernelStoreTests(DebianKernelFixture fixture) : IClassFixture<DebianKernelFixture>
{
    [SkippableFact]
    public async Task A_debian_package_becomes_a_PVH_vmlinux_and_its_boot_modules()
    {
        var kernel = fixture.Require();

        Assert.Matches(DebianRelease(), kernel.Release);
        Assert.Matches(@"^package:linux-image-6\.1\.0-\d+-amd64=6\.1\.[0-9.-]+\+modules:sha256:[0-9a-f]{64}$", kernel.Identity);
        Assert.True(Path.IsPathRooted(kernel.Vmlinux));
        Assert.True(await Elf64.IsCompleteAsync(kernel.Vmlinux, CancellationToken.None));
        Assert.True(await Elf64.HasPvhEntryAsync(kernel.Vmlinux, CancellationToken.None));

        var modules = await File.ReadAllLinesAsync(kernel.LoadList);
        var names = modules.Select(ModuleInfo.NameOf).ToList();
        foreach (var module in modules)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(kernel.ModulesDirectory, module));
            Assert.True(bytes.AsSpan().StartsWith(Elf64.Magic), module);
        }

        // The generic flavour has all of them as modules (ext4 and 9p included), each once, dependencies first.
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var wanted in KernelStore.BootModules)
        {
            Assert.Contains(wanted, names);
        }

        Assert.True(names.IndexOf("virtio_ring") < names.IndexOf("virtio_blk"));
        Assert.True(names.IndexOf("jbd2") < names.IndexOf("ext4"));
        Assert.True(names.IndexOf("9pnet") < names.IndexOf("9pnet_virtio"));
        Assert.True(names.Count < 40, $"only the boot modules and their closure are kept, not {names.Count}");
        Assert.All(Directory.GetFiles(kernel.ModulesDirectory, "*", SearchOption.AllDirectories), file =>
            Assert.True(file.EndsWith(".ko", StringComparison.Ordinal) || file == kernel.LoadList, file));
    }

    [SkippableFact]
    public async Task A_second_call_finds_the_same_entry_without_fetching()
    {
        var kernel = fixture.Require();
        var before = File.GetLastWriteTimeUtc(kernel.Vmlinux);
        var entries = Directory.GetDirectories(Path.Combine(DebianKernelFixture.StoreRoot, "entries")).Length;

        var again = await new KernelStore(DebianKernelFixture.StoreRoot).GetAsync(KernelSource.Parse(DebianKernelFixture.Package, "/"), CancellationToken.None);

        Assert.Equal(kernel, again);
        Assert.Equal(before, File.GetLastWriteTimeUtc(again.Vmlinux));
        Assert.Equal(entries, Directory.GetDirectories(Path.Combine(DebianKernelFixture.StoreRoot, "entries")).Length);
    }

    [SkippableFact]
    public async Task A_package_apt_does_not_know_is_a_kernel_source_error()
    {
        Requirements.Tool("apt-cache");
        using var directory = new TempDirectory();

        var error = await Assert.ThrowsAsync<KernelSourceException>(
            () => new KernelStore(directory.Path).GetAsync(KernelSource.Parse("package:vse-no-such-kernel-package", "/"), CancellationToken.None));

        Assert.StartsWith("os.kernel package:vse-no-such-kernel-package: apt has no package vse-no-such-kernel-package", error.Message);
    }

    [GeneratedRegex(@"^6\.1\.0-\d+-amd64$")]
    private static partial Regex DebianRelease();
}
