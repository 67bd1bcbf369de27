using Vse.Build.Exports;

namespace Vse.Build.Tests.Exports;

public sealed class Ext4ExportTests
{
    [SkippableFact]
    public async Task Image_holds_the_tree_with_owners_modes_and_links()
    {
        Requirements.Tool("mkfs.ext4");
        Requirements.Tool("debugfs");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("disk.ext4");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Ext4, output), CancellationToken.None);

        await Ext4Image.AssertHoldsSampleTreeAsync(output, tree);
        Assert.Empty(tree.Leftovers());
    }

    [SkippableFact]
    public async Task Estimated_size_fits_a_tree_of_more_empty_files_than_the_default_inode_ratio_allows()
    {
        Requirements.Tool("mkfs.ext4");
        Requirements.Tool("e2fsck");
        using var work = new TempDirectory();
        var root = work.CreateDirectory("rootfs");
        for (var directory = 0; directory < 40; directory++)
        {
            var path = Directory.CreateDirectory(Path.Combine(root, $"d{directory}")).FullName;
            for (var file = 0; file < 200; file++)
            {
                File.Create(Path.Combine(path, $"empty-file-with-a-fairly-long-name-{file}")).Dispose();
            }
        }

        var output = work.Combine("disk.ext4");
        var usage = TreeUsage.Measure(root, CancellationToken.None);
        var geometry = Ext4Geometry.For(usage);

        await ImageExporter.ExportAsync(root, SampleTree.Config, new ExportTarget(ExportFormat.Ext4, output), CancellationToken.None);

        Assert.Equal(8041, usage.Inodes);
        Assert.True(usage.Inodes > geometry.SizeBytes / Ext4Geometry.BytesPerInode, "the tree should need more inodes than mke2fs would make by default");
        Assert.Equal(geometry.SizeBytes, new FileInfo(output).Length);
        // e2fsck counts the tree's 8041 inodes, less the root (a reserved inode), plus the ten reserved and lost+found.
        Assert.Contains("8051/", await ToolOutput.RunAsync("e2fsck", "-fn", output), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_size_too_small_is_doubled_once()
    {
        Requirements.Tool("mkfs.ext4");
        Requirements.Tool("debugfs");
        using var work = new TempDirectory();
        var root = work.CreateDirectory("rootfs");
        // More than fits in the first size. Random, because mke2fs -d leaves blocks of zeros out as holes.
        var data = new byte[7 * 1000 * 1000];
        new Random(42).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(root, "data"), data);
        var output = work.Combine("disk.ext4");

        await Ext4Export.WriteAsync(root, output, "test", new Ext4Geometry(6 * Ext4Geometry.MiB, 64), CancellationToken.None);

        Assert.Equal(12 * Ext4Geometry.MiB, new FileInfo(output).Length);
        Assert.Contains("Size: 7000000", await ToolOutput.RunAsync("debugfs", "-R", "stat /data", output), StringComparison.Ordinal);
    }

    [Fact]
    public void Size_is_used_bytes_times_1_3_plus_64_MiB_rounded_up_to_a_MiB()
    {
        var geometry = Ext4Geometry.For(new TreeUsage(DataBytes: 100 * Ext4Geometry.MiB, Inodes: 1000));

        // inodes = 1000 + 250 + 64; used = 100 MiB + 1314 × 256 B; × 1.3 + 64 MiB = 194.43 MiB.
        Assert.Equal(195 * Ext4Geometry.MiB, geometry.SizeBytes);
        Assert.Equal(195 * Ext4Geometry.MiB / Ext4Geometry.BytesPerInode, geometry.Inodes);
    }

    [Fact]
    public void Inode_count_grows_past_the_default_ratio_for_trees_of_tiny_files()
    {
        var geometry = Ext4Geometry.For(new TreeUsage(DataBytes: 40_000 * TreeUsage.BlockSize, Inodes: 40_000));

        Assert.Equal(40_000 + 10_000 + 64, geometry.Inodes);
    }
}
