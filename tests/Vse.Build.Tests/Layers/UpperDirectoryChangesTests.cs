using Vse.Build.Layers;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Layers;

/// <summary>
/// An image and an upper directory made by hand as overlayfs makes them (whiteouts are device
/// 0/0 nodes, an opaque directory has <c>trusted.overlay.opaque=y</c>: root only). The integration
/// twin reads a real instance's upper directory (OnlineCommandTests in Vse.Cli.Tests).
/// </summary>
public sealed class UpperDirectoryChangesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Image => _temp.Combine("image");

    private string Upper => _temp.Combine("upper");

    public UpperDirectoryChangesTests()
    {
        Directory.CreateDirectory(Image);
        Directory.CreateDirectory(Upper);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_empty_upper_directory_changes_nothing()
    {
        Write(Image, "etc/motd", "hello\n");
        Assert.Empty(UpperDirectoryChanges.Between(Image, Upper, CancellationToken.None));
    }

    [Fact]
    public void Added_files_and_trees_are_each_listed_and_a_copied_up_directory_is_not()
    {
        Write(Image, "etc/motd", "hello\n");
        Write(Upper, "etc/new.conf", "x\n");
        Write(Upper, "opt/tool/bin/run", "#!/bin/sh\n");
        File.CreateSymbolicLink(Path.Combine(Upper, "opt/latest"), "tool");
        var changes = UpperDirectoryChanges.Between(Image, Upper, CancellationToken.None);
        Assert.Equal(
            ["added /etc/new.conf", "added /opt", "added /opt/latest", "added /opt/tool", "added /opt/tool/bin", "added /opt/tool/bin/run"],
            changes.Select(Show));
        Assert.Equal("tool", changes.Single(c => c.Path == "/opt/latest").LinkTarget);
    }

    [Fact]
    public void Content_mode_owner_and_link_target_changes_are_told_apart_and_a_copy_up_alone_is_no_change()
    {
        Requirements.Root();
        Write(Image, "etc/motd", "hello\n");
        Write(Upper, "etc/motd", "hullo\n");
        Write(Image, "etc/same", "same\n");
        Write(Upper, "etc/same", "same\n");
        Write(Image, "etc/secret", "s\n");
        Write(Upper, "etc/secret", "s\n");
        File.SetUnixFileMode(Path.Combine(Upper, "etc/secret"), UnixFileMode.UserRead);
        Write(Image, "etc/owned", "o\n");
        Write(Upper, "etc/owned", "o\n");
        Assert.Equal(0, NodeOperations.SetOwner(Path.Combine(Upper, "etc/owned"), 1000, 1000));
        File.CreateSymbolicLink(Path.Combine(Image, "etc/link"), "motd");
        File.CreateSymbolicLink(Path.Combine(Upper, "etc/link"), "same");
        Write(Image, "etc/was-file", "f\n");
        Directory.CreateDirectory(Path.Combine(Upper, "etc/was-file"));
        Write(Upper, "etc/was-file/inside", "i\n");
        var changes = UpperDirectoryChanges.Between(Image, Upper, CancellationToken.None);
        Assert.Equal(
            ["changed /etc/link (target)", "changed /etc/motd (content)", "changed /etc/owned (owner)", "changed /etc/secret (mode)",
             "changed /etc/was-file (type, mode)", "added /etc/was-file/inside"],
            changes.Select(Show));
    }

    [Fact]
    public void A_whiteout_deletes_a_file_or_a_whole_tree_and_one_over_nothing_is_not_listed()
    {
        Requirements.Root();
        Write(Image, "etc/gone", "g\n");
        Write(Image, "var/cache/a/b", "b\n");
        Whiteout("etc/gone");
        Whiteout("var/cache");
        Whiteout("etc/never-was");
        var changes = UpperDirectoryChanges.Between(Image, Upper, CancellationToken.None);
        Assert.Equal(["deleted /etc/gone", "deleted /var/cache", "deleted /var/cache/a", "deleted /var/cache/a/b"], changes.Select(Show));
    }

    [Fact]
    public void An_opaque_directory_deletes_what_the_image_had_in_it_and_not_what_it_holds_again()
    {
        Requirements.Root();
        Write(Image, "srv/keep", "k\n");
        Write(Image, "srv/drop", "d\n");
        Write(Image, "srv/sub/old", "o\n");
        Write(Upper, "srv/keep", "k\n");
        Write(Upper, "srv/sub/new", "n\n");
        Assert.True(ExtendedAttributes.TryWrite(Path.Combine(Upper, "srv"), "trusted.overlay.opaque", "y"u8.ToArray()));
        var changes = UpperDirectoryChanges.Between(Image, Upper, CancellationToken.None);
        Assert.Equal(["deleted /srv/drop", "added /srv/sub/new", "deleted /srv/sub/old"], changes.Select(Show));
    }

    [Fact]
    public void A_symlink_planted_in_the_upper_directory_is_never_followed()
    {
        // The instance writes its upper directory: a link to the host's root must not be walked or read.
        Write(Image, "etc/motd", "hello\n");
        Directory.CreateDirectory(Path.Combine(Upper, "etc"));
        File.CreateSymbolicLink(Path.Combine(Upper, "etc/motd"), "/etc/hostname");
        File.CreateSymbolicLink(Path.Combine(Upper, "host"), "/");
        var changes = UpperDirectoryChanges.Between(Image, Upper, CancellationToken.None);
        Assert.Equal(["changed /etc/motd (type)", "added /host"], changes.Select(Show));
    }

    private static string Show(FileChange change) =>
        $"{change.Kind.ToString().ToLowerInvariant()} {change.Path}" + (change.Aspects.Count > 0 ? $" ({string.Join(", ", change.Aspects)})" : "");

    private void Whiteout(string relative) => HandMadeTree.Whiteout(Upper, relative);

    private static void Write(string root, string relative, string content) => HandMadeTree.Write(root, relative, content);
}
