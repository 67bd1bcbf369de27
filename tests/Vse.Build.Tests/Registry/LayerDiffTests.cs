using Vse.Build.FileSystem;
using Vse.Build.Layers;
using Vse.Build.Registry;
using Vse.Build.Reproducible;
using Vse.Build.Archives;
using Vse.Build.Tests.Exports;
using Vse.Testing;

namespace Vse.Build.Tests.Registry;

/// <summary>
/// A layer as <c>vse push</c> sends it: what changed over the parent, with whiteouts for what
/// went. The test twin of the store's layers: the child is a hard-linked clone of the parent
/// (as every layer starts), changed the way steps change trees (new files renamed in, never
/// written into), and the diff applied on a copy of the parent must give the child back.
/// </summary>
public sealed class LayerDiffTests
{
    [Fact]
    public async Task The_diff_names_changed_nodes_and_removed_trees_and_applied_on_the_parent_gives_the_child()
    {
        using var temp = new TempDirectory();
        var parent = temp.CreateDirectory("parent");
        temp.WriteFile("parent/a/f1", "one");
        temp.WriteFile("parent/a/f2", "two");
        temp.WriteFile("parent/gone/sub/deep", "x");
        temp.WriteFile("parent/keep", "kept");
        temp.WriteFile("parent/d2/inside", "y");
        File.CreateSymbolicLink(temp.Combine("parent/link"), "keep");

        // Layers of the store have their times clamped after each step, and pushed layers record them so.
        ReproducibleTree.ClampTimes(parent, CancellationToken.None);
        var child = temp.Combine("child");
        await SnapshotCloner.CloneAsync(parent, child, hardLinks: true, CancellationToken.None);

        // As ImageRoot does: a new file renamed over the old name.
        temp.WriteFile("child/a/f1.new", "ONE");
        File.Move(temp.Combine("child/a/f1.new"), temp.Combine("child/a/f1"), overwrite: true);
        Directory.Delete(temp.Combine("child/gone"), recursive: true);
        temp.WriteFile("child/new/x", "new");
        File.SetUnixFileMode(temp.Combine("child/a"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(temp.Combine("child/d2"), recursive: true);
        temp.WriteFile("child/d2", "a file where a directory was");
        File.Delete(temp.Combine("child/keep"));
        temp.WriteFile("child/keep/inside", "a directory where a file was");

        ReproducibleTree.ClampTimes(child, CancellationToken.None);
        var diff = LayerDiff.Between(parent, child, CancellationToken.None);

        Assert.Equal(["a", "d2", "keep", "new", "a/f1", "keep/inside", "new/x"], diff.Changed);
        Assert.Equal(["d2", "gone", "keep"], diff.Removed);

        var replica = temp.Combine("replica");
        await SnapshotCloner.CloneAsync(parent, replica, hardLinks: false, CancellationToken.None);
        var tar = temp.Combine("layer.tar");
        await DiffLayerWriter.WriteAsync(diff, child, tar, temp.CreateDirectory("work"), CancellationToken.None);
        await using (var stream = File.OpenRead(tar))
        {
            await ArchiveImporter.ApplyAsync(new ImageRoot(replica), stream, CancellationToken.None);
        }

        TreeSnapshot.Take(replica).AssertSameAs(TreeSnapshot.Take(child));
    }

    [Fact]
    public async Task An_unchanged_clone_has_an_empty_diff_and_a_base_is_all_new()
    {
        using var temp = new TempDirectory();
        var parent = temp.CreateDirectory("parent");
        temp.WriteFile("parent/etc/hostname", "h");
        File.CreateSymbolicLink(temp.Combine("parent/bin"), "usr/bin");
        var child = temp.Combine("child");
        await SnapshotCloner.CloneAsync(parent, child, hardLinks: true, CancellationToken.None);

        Assert.True(LayerDiff.Between(parent, child, CancellationToken.None).IsEmpty);
        Assert.Equal(["bin", "etc", "etc/hostname"], LayerDiff.Between(null, parent, CancellationToken.None).Changed);
    }

    [Fact]
    public async Task The_same_diff_gives_the_same_bytes_twice()
    {
        using var temp = new TempDirectory();
        var parent = temp.CreateDirectory("parent");
        temp.WriteFile("parent/a/gone", "x");
        var child = temp.Combine("child");
        await SnapshotCloner.CloneAsync(parent, child, hardLinks: true, CancellationToken.None);
        File.Delete(temp.Combine("child/a/gone"));
        temp.WriteFile("child/a/new", "n");
        var diff = LayerDiff.Between(parent, child, CancellationToken.None);

        await DiffLayerWriter.WriteAsync(diff, child, temp.Combine("1.tar"), temp.CreateDirectory("w1"), CancellationToken.None);
        await Task.Delay(1100); // a second later: a whiteout dated now would differ
        await DiffLayerWriter.WriteAsync(diff, child, temp.Combine("2.tar"), temp.CreateDirectory("w2"), CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(temp.Combine("1.tar")), File.ReadAllBytes(temp.Combine("2.tar")));
    }
}
