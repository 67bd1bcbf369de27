using Vse.Host.FileSystem;
using Vse.Testing;

namespace Vse.Host.Tests.FileSystem;

/// <summary>
/// The identity of a copy source: what is copied (names, modes, contents, link targets)
/// counts, where it lies and who owns it on the host does not.
/// </summary>
public sealed class CopySourceDigestTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void The_same_tree_in_two_directories_has_one_digest()
    {
        Assert.Equal(CopySourceDigest.Of(MakeTree("one/src")), CopySourceDigest.Of(MakeTree("elsewhere/deeper/src")));
    }

    [Fact]
    public void A_one_byte_change_in_a_file_changes_the_digest()
    {
        var tree = MakeTree("src");
        var before = CopySourceDigest.Of(tree);
        File.WriteAllText(Path.Combine(tree, "sub/b.txt"), "c");
        Assert.NotEqual(before, CopySourceDigest.Of(tree));
    }

    [Fact]
    public void A_changed_symlink_target_changes_the_digest()
    {
        var tree = MakeTree("src");
        var before = CopySourceDigest.Of(tree);
        File.Delete(Path.Combine(tree, "link"));
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "sub/a.txt");
        Assert.NotEqual(before, CopySourceDigest.Of(tree));
    }

    [Fact]
    public void A_changed_mode_changes_the_digest()
    {
        var tree = MakeTree("src");
        var before = CopySourceDigest.Of(tree);
        File.SetUnixFileMode(Path.Combine(tree, "a.txt"), (UnixFileMode)0b111_101_101);
        Assert.NotEqual(before, CopySourceDigest.Of(tree));
    }

    [Fact]
    public void A_renamed_file_changes_the_digest()
    {
        var tree = MakeTree("src");
        var before = CopySourceDigest.Of(tree);
        File.Move(Path.Combine(tree, "a.txt"), Path.Combine(tree, "a2.txt"));
        Assert.NotEqual(before, CopySourceDigest.Of(tree));
    }

    [Fact]
    public void Modification_times_do_not_count()
    {
        var tree = MakeTree("src");
        var before = CopySourceDigest.Of(tree);
        File.SetLastWriteTimeUtc(Path.Combine(tree, "a.txt"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(before, CopySourceDigest.Of(tree));
    }

    [SkippableFact]
    public void Host_owners_do_not_count_as_the_copy_gives_its_own()
    {
        Requirements.Root();
        var tree = MakeTree("src");
        var before = CopySourceDigest.Of(tree);
        Run("chown", "65534:65534", Path.Combine(tree, "a.txt"));
        Assert.Equal(before, CopySourceDigest.Of(tree));
    }

    [Fact]
    public void A_single_file_is_its_content_and_mode_not_its_name_or_place()
    {
        var first = temp.WriteFile("x/one.conf", "value");
        var second = temp.WriteFile("y/z/two.conf", "value");
        Assert.Equal(CopySourceDigest.Of(first), CopySourceDigest.Of(second));
        File.WriteAllText(second, "valuf");
        Assert.NotEqual(CopySourceDigest.Of(first), CopySourceDigest.Of(second));
    }

    [Fact]
    public void A_symlink_named_as_the_source_is_followed()
    {
        var tree = MakeTree("src");
        var link = temp.Combine("link-to-src");
        Directory.CreateSymbolicLink(link, tree);
        Assert.Equal(CopySourceDigest.Of(tree), CopySourceDigest.Of(link));
    }

    [Fact]
    public void A_missing_source_or_a_fifo_is_refused_without_reading()
    {
        Assert.Throws<FileNotFoundException>(() => CopySourceDigest.Of(temp.Combine("absent")));
        var fifo = temp.Combine("fifo");
        Run("mkfifo", fifo);
        Assert.Throws<IOException>(() => CopySourceDigest.Of(fifo));
    }

    public void Dispose() => temp.Dispose();

    private string MakeTree(string relative)
    {
        temp.WriteFile(Path.Combine(relative, "a.txt"), "a");
        temp.WriteFile(Path.Combine(relative, "sub/b.txt"), "b");
        File.SetUnixFileMode(temp.Combine(Path.Combine(relative, "a.txt")), (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(temp.Combine(Path.Combine(relative, "sub/b.txt")), (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(temp.Combine(Path.Combine(relative, "sub")), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(temp.Combine(relative), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(temp.Combine(Path.Combine(relative, "link")), "a.txt");
        return temp.Combine(relative);
    }

    private static void Run(string tool, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(tool, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
