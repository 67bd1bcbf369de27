using System.Formats.Tar;
using Vse.Build.Store;
using Vse.Build.Tests.Support;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Store;

/// <summary>An ordinary user's own tree of a site layer, extracted from the archive published beside it (docs/install.md).</summary>
public sealed class SiteLayerImportTests
{
    private const string Key = "4444444444444444444444444444444444444444444444444444444444444444";

    [Fact]
    public async Task The_archive_is_extracted_once_kept_until_gc_and_without_one_nothing_is_left_behind()
    {
        using var temp = new TempDirectory();
        var site = new LayerStore(Path.Combine(temp.Path, "site"), LayerStoreAccess.Published);
        Directory.CreateDirectory(site.DirectoryOf(Key));
        await File.WriteAllBytesAsync(site.ArchiveOf(Key), new TarBuilder()
            .Directory("./etc")
            .File("./etc/shadow", "root:*:1::::::\n", mode: (UnixFileMode)0x1A0, gid: 42)
            .Directory("./root", mode: (UnixFileMode)0x1C0)
            .Directory("./dev")
            .Device("./dev/null", TarEntryType.CharacterDevice, 1, 3)
            .ToArray());
        var own = new LayerStore(Path.Combine(temp.Path, "own"));

        var tree = await SiteLayerImport.EnsureAsync(own, site, Key, CancellationToken.None);
        Assert.Equal(own.ImportOf(Key), tree);
        Assert.Equal("root:*:1::::::\n", await File.ReadAllTextAsync(Path.Combine(tree, "etc", "shadow")));
        var shadow = Nodes.TryGetStatus(Path.Combine(tree, "etc", "shadow"))!;
        Assert.Equal((UnixFileMode)0x1A0, shadow.Mode);
        // Image owners are kept where this process may set them (root, or root of the build namespace).
        Assert.Equal(Environment.IsPrivilegedProcess ? 42u : Vse.Host.Processes.ProcessIdentity.Current.Gid, shadow.Gid);
        Assert.Equal((UnixFileMode)0x1C0, Nodes.TryGetStatus(Path.Combine(tree, "root"))!.Mode);
        Assert.Empty(Directory.GetFileSystemEntries(own.TemporaryDirectory));

        // Made once: the next build uses it as it is, archive or not.
        File.Delete(site.ArchiveOf(Key));
        Assert.Equal(tree, await SiteLayerImport.EnsureAsync(own, site, Key, CancellationToken.None));

        // gc removes it; then, with no archive to make it from, it is not made and nothing half-made stays.
        Assert.Equal(1, own.CleanTemporaries());
        Assert.False(Directory.Exists(tree));
        await Assert.ThrowsAsync<FileNotFoundException>(() => SiteLayerImport.EnsureAsync(own, site, Key, CancellationToken.None));
        Assert.False(Directory.Exists(tree));
        Assert.Empty(Directory.GetFileSystemEntries(own.TemporaryDirectory));
    }
}
