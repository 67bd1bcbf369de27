using Vse.Build.Exports;
using Vse.Build.Reproducible;

namespace Vse.Build.Tests.Exports;

public sealed class SquashfsExportTests
{
    [SkippableFact]
    public async Task Image_lists_numeric_owners_modes_and_links()
    {
        Requirements.Tool("mksquashfs");
        Requirements.Tool("unsquashfs");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image.sqfs");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Squashfs, output), CancellationToken.None);

        var listing = (await ToolOutput.RunAsync("unsquashfs", "-lln", output)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(listing, line => line.StartsWith($"drwxr-x--- {tree.RootOwner} ", StringComparison.Ordinal) && line.EndsWith(" squashfs-root", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("-rwsr-xr-x ", StringComparison.Ordinal) && line.EndsWith(" squashfs-root/usr/bin/tool", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("drwx------ ", StringComparison.Ordinal) && line.EndsWith(" squashfs-root/empty", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith('l') && line.EndsWith(" squashfs-root/etc/motd -> hostname", StringComparison.Ordinal));
        if (tree.Privileged)
        {
            Assert.Contains(listing, line => line.StartsWith("-rw-r--r-- 1234/1234 ", StringComparison.Ordinal) && line.EndsWith(" squashfs-root/owned", StringComparison.Ordinal));
        }

        var superblock = await ToolOutput.RunAsync("unsquashfs", "-s", output);
        Assert.Contains("Compression zstd", superblock, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Extracting_the_image_gives_back_the_tree_hard_links_included()
    {
        Requirements.Tool("mksquashfs");
        Requirements.Root();
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image.sqfs");
        var extracted = tree.Work.Combine("extracted");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Squashfs, output), CancellationToken.None);
        await ToolOutput.RunAsync("unsquashfs", "-no-progress", "-d", extracted, output);

        TreeSnapshot.Take(extracted).AssertSameAs(TreeSnapshot.Take(tree.Root).WithTimesClampedTo(ReproducibleTree.Epoch));
    }

    [Fact]
    public void Reads_the_compressors_from_mksquashfs_help()
    {
        const string help = """
            -comp <comp>		select <comp> compression
            			Compressors available:
            				gzip (default)
            				lzo
            				zstd
            -b <block_size>		set data block to <block_size>.  Default 128 Kbytes.
            				xz
            """;

        Assert.Equal(["gzip", "lzo", "zstd"], SquashfsExport.AvailableCompressors(help).Order());
    }
}
