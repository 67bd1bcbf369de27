using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Exports;

/// <summary>
/// Every export format of a tree whose links lead to /, /tmp, /usr/share and ../../../..:
/// the export finishes quickly, holds the links as links, and nothing of the host (the canary
/// in /tmp above all) is in it.
/// </summary>
public sealed class HostEscapingLinkExportTests
{
    /// <summary>Far below the canary's apparent size: an export that followed a link would be larger.</summary>
    private const long MostAnExportMayHold = 128L * 1024 * 1024;

    [Fact]
    public async Task The_dir_export_holds_the_links_as_links_and_nothing_of_the_host()
    {
        using var tree = HostEscapingTree.Create();
        var output = tree.Work.Combine("export-dir");

        await Deadline.RunAsync(token => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Dir, output), token));

        var entries = TreeWalker.Walk(output, FileSystemBoundary.Stay, CancellationToken.None).ToList();
        Assert.Equal(
            new[] { ".", "a", "a/b", "a/b/file", "a/b/up", "hello.txt", "root", "share", "tmp" },
            entries.Select(entry => entry.RelativePath).Order(StringComparer.Ordinal));
        foreach (var link in HostEscapingTree.EscapingLinks)
        {
            Assert.Equal(new FileInfo(Path.Combine(tree.Root, link)).LinkTarget, new FileInfo(Path.Combine(output, link)).LinkTarget);
        }

        Assert.Equal(HostEscapingTree.OwnBytes, TreeSize.Of(output));
        tree.AssertCanaryIntact();
    }

    [Fact]
    public async Task The_tar_export_lists_the_links_and_nothing_of_the_host()
    {
        Requirements.Tool("tar");
        using var tree = HostEscapingTree.Create();
        var output = tree.Work.Combine("export.tar");

        await Deadline.RunAsync(token => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, output), token));

        await using var archive = File.OpenRead(output);
        AssertHoldsTheTreeOnly(tree, archive);
    }

    [Fact]
    public async Task The_oci_export_layer_holds_the_links_and_nothing_of_the_host()
    {
        Requirements.Tool("tar");
        using var tree = HostEscapingTree.Create();
        var output = tree.Work.Combine("export-oci");

        await Deadline.RunAsync(token => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Oci, output), token));

        var blobs = Directory.GetFiles(Path.Combine(output, "blobs", "sha256"));
        var layer = blobs.Single(blob => File.ReadAllBytes(blob) is [0x1f, 0x8b, ..]);
        await using var gzip = new GZipStream(File.OpenRead(layer), CompressionMode.Decompress);
        AssertHoldsTheTreeOnly(tree, gzip);
    }

    [Fact]
    public async Task The_squashfs_export_lists_the_links_and_nothing_of_the_host()
    {
        Requirements.Tool("mksquashfs");
        using var tree = HostEscapingTree.Create();
        var output = tree.Work.Combine("export.sqfs");

        await Deadline.RunAsync(token => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Squashfs, output), token));

        var listing = await ToolOutput.RunAsync("unsquashfs", "-lls", "-d", "", output);
        Assert.DoesNotContain(tree.CanaryName, listing, StringComparison.Ordinal);
        Assert.Contains("/root -> /", listing, StringComparison.Ordinal);
        Assert.Contains("/tmp -> /tmp", listing, StringComparison.Ordinal);
        Assert.Contains("/a/b/up -> ../../../..", listing, StringComparison.Ordinal);
        Assert.InRange(new FileInfo(output).Length, 1, MostAnExportMayHold);
    }

    [Theory]
    [InlineData(ExportFormat.Ext4, "mkfs.ext4")]
    [InlineData(ExportFormat.Qcow2, "qemu-img")]
    public async Task The_disk_image_exports_hold_nothing_of_the_host(ExportFormat format, string tool)
    {
        Requirements.Tool(tool);
        Requirements.Tool("mkfs.ext4");
        using var tree = HostEscapingTree.Create();
        var output = tree.Work.Combine("export." + ExportTarget.Name(format));

        await Deadline.RunAsync(token => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(format, output), token));

        // Neither format compresses here, so the canary's name would be in the image's bytes
        // (as a directory entry or as content) had the export gone through /tmp.
        Assert.InRange(new FileInfo(output).Length, 1, MostAnExportMayHold);
        Assert.False(Contains(await File.ReadAllBytesAsync(output), Encoding.ASCII.GetBytes(tree.CanaryName)), "the canary from /tmp is in the image");
        Assert.True(Contains(await File.ReadAllBytesAsync(output), Encoding.ASCII.GetBytes("hello world")), "the tree's own file is not in the image");
    }

    private static void AssertHoldsTheTreeOnly(HostEscapingTree tree, Stream archive)
    {
        using var reader = new TarReader(archive);
        var members = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            members[entry.Name.TrimEnd('/')] = entry;
        }

        Assert.DoesNotContain(members.Keys, name => name.Contains(tree.CanaryName, StringComparison.Ordinal));
        Assert.Equal(
            new[] { ".", "./a", "./a/b", "./a/b/file", "./a/b/up", "./hello.txt", "./root", "./share", "./tmp" },
            members.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TarEntryType.SymbolicLink, members["./root"].EntryType);
        Assert.Equal("/", members["./root"].LinkName);
        Assert.Equal("/tmp", members["./tmp"].LinkName);
        Assert.Equal("../../../..", members["./a/b/up"].LinkName);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
