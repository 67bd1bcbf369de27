using Vse.Build.Digests;
using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Store;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.FileSystem;

/// <summary>
/// Every walk of an image or of the store stays inside it: a tree holding links to /, /tmp,
/// /usr/share and ../../../.. is counted, measured, hashed and deleted as itself, quickly, and
/// nothing outside it is read or changed.
/// </summary>
public sealed class HostEscapingLinkTests
{
    [Fact]
    public async Task The_walk_reports_each_link_as_a_link_and_never_leaves_the_tree()
    {
        using var tree = HostEscapingTree.Create();

        var entries = await Deadline.Run(token => TreeWalker.Walk(tree.Root, FileSystemBoundary.Stay, token).ToList());

        Assert.All(entries, entry => Assert.True(
            entry.HostPath == tree.Root || entry.HostPath.StartsWith(tree.Root + "/", StringComparison.Ordinal), entry.HostPath));
        Assert.Equal(
            new[] { ".", "a", "a/b", "a/b/file", "a/b/up", "hello.txt", "root", "share", "tmp" },
            entries.Select(entry => entry.RelativePath).Order(StringComparer.Ordinal));
        Assert.All(HostEscapingTree.EscapingLinks, link => Assert.Equal(NodeType.Symlink, entries.Single(e => e.RelativePath == link).Status.Type));
    }

    [Fact]
    public async Task The_size_is_that_of_the_tree_own_files()
    {
        using var tree = HostEscapingTree.Create();

        Assert.Equal(HostEscapingTree.OwnBytes, await Deadline.Run(token => TreeSize.Of(tree.Root, token)));
    }

    [Fact]
    public async Task A_link_to_usr_share_adds_nothing_to_the_size()
    {
        using var work = new TempDirectory();
        var root = work.CreateDirectory("rootfs");
        File.WriteAllText(Path.Combine(root, "own"), "1234");
        File.CreateSymbolicLink(Path.Combine(root, "share"), "/usr/share");

        Assert.Equal(4, await Deadline.Run(token => TreeSize.Of(root, token)));
    }

    [Fact]
    public async Task The_ext4_usage_is_that_of_the_tree_alone()
    {
        using var tree = HostEscapingTree.Create();
        using var plain = new TempDirectory();
        var alike = plain.CreateDirectory("rootfs");
        File.WriteAllText(Path.Combine(alike, "hello.txt"), "hello world");
        Directory.CreateDirectory(Path.Combine(alike, "a/b"));
        File.WriteAllText(Path.Combine(alike, "a/b/file"), "12345");

        var usage = await Deadline.Run(token => TreeUsage.Measure(tree.Root, token));
        var withoutLinks = TreeUsage.Measure(alike, CancellationToken.None);

        // Each link is one inode (short targets live in the inode) and one directory entry.
        Assert.Equal(withoutLinks.Inodes + HostEscapingTree.EscapingLinks.Length, usage.Inodes);
        Assert.Equal(withoutLinks.DataBytes, usage.DataBytes);
    }

    [Fact]
    public async Task The_digest_is_of_the_links_not_of_what_they_point_to()
    {
        using var tree = HostEscapingTree.Create();

        var before = await Deadline.RunAsync(token => ContentDigest.OfTreeAsync(tree.Root, token));
        await File.WriteAllTextAsync(tree.Canary, "changed outside the tree");
        var after = await Deadline.RunAsync(token => ContentDigest.OfTreeAsync(tree.Root, token));

        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Deleting_the_tree_removes_the_links_and_nothing_they_point_to()
    {
        using var tree = HostEscapingTree.Create();
        var shareEntries = Directory.EnumerateFileSystemEntries("/usr/share").Count();

        Assert.True(await Deadline.Run(token => TreeDeleter.Delete(tree.Root, token)));

        Assert.Null(Nodes.TryGetStatus(tree.Root));
        tree.AssertCanaryIntact();
        Assert.Equal(shareEntries, Directory.EnumerateFileSystemEntries("/usr/share").Count());
    }

    [Fact]
    public async Task A_store_holding_such_a_layer_is_measured_and_emptied_quickly()
    {
        using var tree = HostEscapingTree.Create();
        using var work = new TempDirectory();
        var store = new LayerStore(work.Combine("store"));
        var layer = store.DirectoryOf("hostile");
        Directory.CreateDirectory(layer);
        Directory.Move(tree.Root, store.RootfsOf("hostile"));

        Assert.Equal(HostEscapingTree.OwnBytes, await Deadline.Run(token => store.DiskUsage(token)));
        await Deadline.Run(token =>
        {
            store.Delete("hostile", token);
            return store.CleanTemporaries(token);
        });

        Assert.Empty(Directory.EnumerateFileSystemEntries(store.LayersDirectory));
        tree.AssertCanaryIntact();
    }

    [Fact]
    public async Task A_symlink_in_the_layers_directory_is_not_a_layer_and_is_removed_as_a_link()
    {
        using var work = new TempDirectory();
        var store = new LayerStore(work.Combine("store"));
        var outside = work.CreateDirectory("outside");
        File.WriteAllText(Path.Combine(outside, "layer.json"), "{}");
        File.CreateSymbolicLink(store.DirectoryOf("planted"), outside);

        Assert.Empty(store.LayerDirectoryNames());
        Assert.Equal(new[] { "planted" }, store.StrayLayerNames());
        await Deadline.Run(token =>
        {
            store.Delete("planted", token);
            return true;
        });

        Assert.Null(Nodes.TryGetStatus(store.DirectoryOf("planted")));
        Assert.True(File.Exists(Path.Combine(outside, "layer.json")));
    }

    [Fact]
    public void The_store_layers_are_closed_to_other_users()
    {
        using var work = new TempDirectory();
        var older = work.CreateDirectory("store/layers");
        File.SetUnixFileMode(older, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var store = new LayerStore(work.Combine("store"));

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(OwnerOnly, Nodes.TryGetStatus(store.LayersDirectory)!.Mode);
        Assert.Equal(OwnerOnly, Nodes.TryGetStatus(store.TemporaryDirectory)!.Mode);
    }
}
