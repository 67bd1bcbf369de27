using Vse.Build.Kernels;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Kernels;

/// <summary>A Debian package has no modules.dep (depmod makes it at install): the stager reads each module's .modinfo.</summary>
public sealed class ModuleStagerTests
{
    [SkippableFact]
    public async Task Wanted_modules_and_their_dependencies_are_kept_decompressed_with_a_load_list()
    {
        var xz = Requirements.Tool("xz");
        using var directory = new TempDirectory();
        var source = directory.CreateDirectory("lib/modules/6.1.0-test");
        await WriteModuleAsync(source, "kernel/fs/ext4/ext4.ko", "license=GPL", "depends=mbcache,jbd2,crc16", "name=ext4");
        await WriteModuleAsync(source, "kernel/fs/jbd2/jbd2.ko", "depends=");
        await WriteModuleAsync(source, "kernel/fs/mbcache.ko", "depends=");
        await WriteModuleAsync(source, "kernel/lib/crc16.ko", "depends=");
        await WriteModuleAsync(source, "kernel/sound/unrelated.ko", "depends=crc16");
        await Vse.Host.Processes.ExternalTool.RunAsync(xz, ["-q", Path.Combine(source, "kernel/fs/ext4/ext4.ko"), Path.Combine(source, "kernel/lib/crc16.ko")], CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(source, "modules.builtin"), "kernel/drivers/block/virtio_blk.ko\n");
        var destination = directory.Combine("staged");

        var staged = await ModuleStager.StageAsync(source, destination, ["virtio_blk", "ext4", "9p"], CancellationToken.None);

        // In the order ext4's .modinfo lists its dependencies, then ext4.
        Assert.Equal(["mbcache", "jbd2", "crc16", "ext4"], staged.Loaded);
        Assert.Equal(["virtio_blk"], staged.BuiltIn);
        Assert.Equal(["9p"], staged.Absent);
        var loadList = await File.ReadAllLinesAsync(Path.Combine(destination, BootKernel.LoadListFileName));
        Assert.Equal(staged.Loaded.Count, loadList.Length);
        Assert.Equal("kernel/fs/ext4/ext4.ko", loadList[^1]);
        Assert.Contains("kernel/lib/crc16.ko", loadList);
        foreach (var module in loadList)
        {
            Assert.True((await File.ReadAllBytesAsync(Path.Combine(destination, module))).AsSpan().StartsWith(Elf64.Magic), module);
        }

        Assert.False(File.Exists(Path.Combine(destination, "kernel/sound/unrelated.ko")));
        Assert.Empty(Directory.GetFiles(destination, "*.xz", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_dependency_that_is_nowhere_is_a_damaged_tree()
    {
        using var directory = new TempDirectory();
        var source = directory.CreateDirectory("modules");
        await WriteModuleAsync(source, "kernel/fs/ext4/ext4.ko", "depends=jbd2");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ModuleStager.StageAsync(source, directory.Combine("staged"), ["ext4"], CancellationToken.None));

        Assert.Contains("ext4 needs jbd2", error.Message);
    }

    [Fact]
    public async Task A_kernel_without_modules_has_an_empty_load_list()
    {
        using var directory = new TempDirectory();

        var staged = await ModuleStager.StageAsync(null, directory.Combine("staged"), ["ext4"], CancellationToken.None);

        Assert.Empty(staged.Loaded);
        Assert.Equal(["ext4"], staged.Absent);
        Assert.Equal("", await File.ReadAllTextAsync(directory.Combine("staged/" + BootKernel.LoadListFileName)));
    }

    private static async Task WriteModuleAsync(string root, string relative, params string[] modinfo)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, FakeElf.Module(modinfo));
    }
}
