using Vse.Build.Kernels;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Kernels;

public sealed class VmlinuxExtractorTests
{
    [SkippableTheory]
    [InlineData("xz", true)]
    [InlineData("xz", false)]
    [InlineData("gzip", true)]
    [InlineData("gzip", false)]
    [InlineData("lz4", true)]
    [InlineData("lz4", false)]
    [InlineData("zstd", true)]
    public async Task The_compressed_payload_of_a_bzImage_becomes_the_ELF_kernel(string tool, bool withHeader)
    {
        using var directory = new TempDirectory();
        var kernel = FakeElf.Kernel();
        var image = directory.Combine("vmlinuz");
        await File.WriteAllBytesAsync(image, await FakeBzImage.CreateAsync(kernel, tool, directory.Path, withHeader));
        var output = directory.Combine("vmlinux");

        await VmlinuxExtractor.ExtractAsync(image, output, CancellationToken.None);

        Assert.Equal(kernel, await File.ReadAllBytesAsync(output));
        Assert.True(await Elf64.HasPvhEntryAsync(output, CancellationToken.None));
        Assert.DoesNotContain(Directory.GetFiles(directory.Path), file => Path.GetFileName(file).StartsWith("vmlinux.", StringComparison.Ordinal)); // no candidate left behind
    }

    [Fact]
    public async Task An_ELF_kernel_is_taken_as_it_is()
    {
        using var directory = new TempDirectory();
        var kernel = FakeElf.Kernel();
        var image = directory.Combine("vmlinux-in");
        await File.WriteAllBytesAsync(image, kernel);

        await VmlinuxExtractor.ExtractAsync(image, directory.Combine("vmlinux"), CancellationToken.None);

        Assert.Equal(kernel, await File.ReadAllBytesAsync(directory.Combine("vmlinux")));
        Assert.Equal("6.1.0-fake-amd64", KernelRelease.Of(kernel));
    }

    [Fact]
    public async Task A_file_that_holds_no_kernel_is_refused_with_the_reason()
    {
        using var directory = new TempDirectory();
        var image = directory.Combine("random.bin");
        var bytes = new byte[64 * 1024];
        new Random(3).NextBytes(bytes);
        await File.WriteAllBytesAsync(image, bytes);

        var error = await Assert.ThrowsAsync<KernelSourceException>(() => VmlinuxExtractor.ExtractAsync(image, directory.Combine("vmlinux"), CancellationToken.None));

        Assert.Contains("neither an ELF vmlinux nor a bzImage", error.Message);
        Assert.False(File.Exists(directory.Combine("vmlinux")));
    }

    [SkippableFact]
    public async Task A_payload_that_is_not_a_kernel_is_refused_naming_what_was_tried()
    {
        using var directory = new TempDirectory();
        var image = directory.Combine("vmlinuz");
        var notElf = new byte[10_000];
        new Random(4).NextBytes(notElf);
        await File.WriteAllBytesAsync(image, await FakeBzImage.CreateAsync(notElf, "xz", directory.Path));

        var error = await Assert.ThrowsAsync<KernelSourceException>(() => VmlinuxExtractor.ExtractAsync(image, directory.Combine("vmlinux"), CancellationToken.None));

        Assert.Contains("no compressed payload decompresses to an ELF kernel (tried xz at byte", error.Message);
        Assert.False(File.Exists(directory.Combine("vmlinux")));
    }

    [SkippableFact]
    public async Task The_release_comes_from_the_boot_protocol_header()
    {
        using var directory = new TempDirectory();

        var image = await FakeBzImage.CreateAsync(FakeElf.Kernel(), "gzip", directory.Path);

        Assert.Equal(FakeBzImage.Release, KernelRelease.Of(image));
    }

    [Fact]
    public async Task A_kernel_without_the_PVH_note_is_told_apart()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("vmlinux");
        await File.WriteAllBytesAsync(path, FakeElf.Kernel(pvh: false));

        Assert.True(await Elf64.IsCompleteAsync(path, CancellationToken.None));
        Assert.False(await Elf64.HasPvhEntryAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task A_kernel_cut_short_is_not_complete()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("vmlinux");
        var kernel = FakeElf.Kernel();
        await File.WriteAllBytesAsync(path, kernel[..(kernel.Length / 2)]);

        Assert.False(await Elf64.IsCompleteAsync(path, CancellationToken.None));
    }
}
