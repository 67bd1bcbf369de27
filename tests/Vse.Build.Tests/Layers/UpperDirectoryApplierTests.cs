using Vse.Build.Layers;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Layers;

/// <summary>
/// A snapshot and an upper directory made by hand as overlayfs makes them (whiteouts are device
/// 0/0 nodes; opaque directories and copied-up files carry <c>trusted.overlay.*</c>: root only).
/// The integration twin runs a real step over a real overlay
/// (<c>BusyboxBuildTests.A_run_step_leaves_no_overlayfs_xattr_in_its_layer_and_keeps_deletions</c>).
/// </summary>
public sealed class UpperDirectoryApplierTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Snapshot => _temp.Combine("snapshot");

    private string Upper => _temp.Combine("upper");

    public UpperDirectoryApplierTests()
    {
        Directory.CreateDirectory(Snapshot);
        Directory.CreateDirectory(Upper);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Moved_nodes_lose_overlayfs_private_xattrs_and_keep_their_own()
    {
        Requirements.Root();
        Write(Snapshot, "etc/hostname", "old\n");
        Write(Upper, "etc/hostname", "new\n");
        var file = Path.Combine(Upper, "etc/hostname");
        // A copy-up's origin: a binary file handle (here with a newline byte, as real ones have at times).
        Set(file, "trusted.overlay.origin", [0x00, 0xfb, 0x0a, 0x00, 0x01]);
        Set(file, "user.overlay.origin", [0x00, 0xfb]);
        Set(file, "trusted.overlay.metacopy", []);
        Set(file, "user.mine", "kept"u8.ToArray());
        Set(file, "security.capability", Exports.Xattrs.NetRawCapability);
        File.CreateSymbolicLink(Path.Combine(Upper, "etc/link"), "hostname");
        Set(Path.Combine(Upper, "etc/link"), "trusted.overlay.origin", [0x01]);

        UpperDirectoryApplier.Apply(Upper, Snapshot, CancellationToken.None);

        var moved = Path.Combine(Snapshot, "etc/hostname");
        Assert.Equal("new\n", File.ReadAllText(moved));
        Assert.Equal(
            ["security.capability", "user.mine"],
            ExtendedAttributes.Names(moved).Order(StringComparer.Ordinal));
        Assert.Empty(ExtendedAttributes.Names(Path.Combine(Snapshot, "etc/link")));
        Assert.Equal("hostname", new FileInfo(Path.Combine(Snapshot, "etc/link")).LinkTarget);
    }

    [Fact]
    public void Whiteouts_delete_and_an_opaque_directory_replaces_the_snapshots_without_its_marker()
    {
        Requirements.Root();
        Write(Snapshot, "etc/gone", "g\n");
        Write(Snapshot, "srv/drop", "d\n");
        Write(Snapshot, "srv/keep", "k\n");
        Write(Snapshot, "var/merged/old", "o\n");
        Whiteout("etc/gone");
        Write(Upper, "srv/keep", "k2\n");
        Set(Path.Combine(Upper, "srv"), "trusted.overlay.opaque", "y"u8.ToArray());
        Write(Upper, "var/merged/new", "n\n");

        UpperDirectoryApplier.Apply(Upper, Snapshot, CancellationToken.None);

        Assert.False(Path.Exists(Path.Combine(Snapshot, "etc/gone")));
        Assert.Equal(["keep"], Directory.EnumerateFileSystemEntries(Path.Combine(Snapshot, "srv")).Select(Path.GetFileName));
        Assert.Equal("k2\n", File.ReadAllText(Path.Combine(Snapshot, "srv/keep")));
        Assert.Empty(ExtendedAttributes.Names(Path.Combine(Snapshot, "srv")));
        Assert.Equal(["new", "old"], Directory.EnumerateFileSystemEntries(Path.Combine(Snapshot, "var/merged")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_directorys_own_xattrs_are_those_of_the_upper_directory_without_overlayfs_private_ones()
    {
        Requirements.Root();
        Write(Snapshot, "srv/data/file", "f\n");
        Set(Path.Combine(Snapshot, "srv/data"), "user.kept", "1"u8.ToArray());
        Set(Path.Combine(Snapshot, "srv/data"), "user.removed", "1"u8.ToArray());
        Write(Upper, "srv/data/new", "n\n");
        var copiedUp = Path.Combine(Upper, "srv/data");
        Set(copiedUp, "user.kept", "1"u8.ToArray());
        Set(copiedUp, "user.set-by-the-step", "2"u8.ToArray());
        Set(copiedUp, "trusted.overlay.origin", [0x00, 0xfb]);
        Set(copiedUp, "user.overlay.impure", "y"u8.ToArray());
        Write(Upper, "opt/created/file", "c\n");
        Set(Path.Combine(Upper, "opt/created"), "user.tag", "made"u8.ToArray());

        UpperDirectoryApplier.Apply(Upper, Snapshot, CancellationToken.None);

        Assert.Equal(["user.kept=31", "user.set-by-the-step=32"], Exports.Xattrs.List(Path.Combine(Snapshot, "srv/data")));
        Assert.Equal(["user.tag=6d616465"], Exports.Xattrs.List(Path.Combine(Snapshot, "opt/created")));
    }

    /// <summary>
    /// The same through a real overlay mount: a step sets an xattr on a directory it did not make
    /// (overlayfs copies it up with its xattrs) and on one it made, and removes one.
    /// </summary>
    [SkippableFact]
    public async Task Directory_xattrs_changed_through_a_real_overlay_reach_the_layer()
    {
        Requirements.Root();
        var lower = _temp.Combine("lower");
        Write(lower, "srv/data/file", "f\n");
        Set(Path.Combine(lower, "srv/data"), "user.kept", "1"u8.ToArray());
        Set(Path.Combine(lower, "srv/data"), "user.removed", "1"u8.ToArray());
        await SnapshotCloner.CloneAsync(lower, Snapshot, CancellationToken.None);
        var (work, merged) = (_temp.CreateDirectory("work"), _temp.CreateDirectory("merged"));
        var mount = Vse.Host.Processes.ExternalTool.Require("mount", "mount");
        await Vse.Host.Processes.ExternalTool.RunAsync(
            mount, ["-t", "overlay", "overlay", "-o", $"lowerdir={lower},upperdir={Upper},workdir={work}", merged], CancellationToken.None);
        try
        {
            Set(Path.Combine(merged, "srv/data"), "user.set-by-the-step", "2"u8.ToArray());
            ExtendedAttributes.RemoveWithPrefix(Path.Combine(merged, "srv/data"), ["user.removed"]);
            Directory.CreateDirectory(Path.Combine(merged, "opt/created"));
            Set(Path.Combine(merged, "opt/created"), "user.tag", "made"u8.ToArray());
        }
        finally
        {
            await Vse.Host.Processes.ExternalTool.RunAsync(Vse.Host.Processes.ExternalTool.Require("umount", "mount"), [merged], CancellationToken.None);
        }

        UpperDirectoryApplier.Apply(Upper, Snapshot, CancellationToken.None);

        Assert.Equal(["user.kept=31", "user.set-by-the-step=32"], Exports.Xattrs.List(Path.Combine(Snapshot, "srv/data")));
        Assert.Equal(["user.tag=6d616465"], Exports.Xattrs.List(Path.Combine(Snapshot, "opt/created")));
    }

    private static void Set(string path, string name, byte[] value) => Exports.Xattrs.Set(path, name, value);

    private void Whiteout(string relative) => HandMadeTree.Whiteout(Upper, relative);

    private static void Write(string root, string relative, string content) => HandMadeTree.Write(root, relative, content);
}
