using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.FileSystem;

public sealed class ImageRootCopyInTests : IDisposable
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public ImageRootCopyInTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_file_is_copied_to_the_exact_destination_with_its_mode_and_time()
    {
        var source = temp.WriteFile("src/run.sh", "#!/bin/sh\n");
        File.SetUnixFileMode(source, TarBuilder.Mode755);
        File.SetLastWriteTimeUtc(source, TarBuilder.DefaultTime.UtcDateTime);

        var result = await root.CopyInAsync(source, "/usr/local/bin/run");

        var copied = root.HostPath + "/usr/local/bin/run";
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(copied));
        Assert.Equal(TarBuilder.Mode755, File.GetUnixFileMode(copied));
        Assert.Equal(TarBuilder.DefaultTime.UtcDateTime, File.GetLastWriteTimeUtc(copied));
        Assert.Equal(new CopyInResult(1, 0, 0, 0, 10), result);
    }

    [Fact]
    public async Task A_given_mode_applies_to_files_and_with_search_bits_to_directories()
    {
        temp.WriteFile("src/sub/a", "a");
        var result = await root.CopyInAsync(temp.Combine("src"), "/opt/src", TarBuilder.Mode644);

        Assert.Equal(TarBuilder.Mode644, File.GetUnixFileMode(root.HostPath + "/opt/src/sub/a"));
        Assert.Equal(TarBuilder.Mode755, File.GetUnixFileMode(root.HostPath + "/opt/src/sub"));
        Assert.Equal(2, result.Directories);
    }

    [Fact]
    public async Task A_tree_is_copied_with_its_symlinks_as_symlinks()
    {
        var source = temp.CreateDirectory("src");
        temp.WriteFile("src/etc/app.conf", "x");
        File.CreateSymbolicLink(Path.Combine(source, "passwd"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(source, "etc/up"), "../../outside");

        var result = await root.CopyInAsync(source, "/opt/app");

        Assert.Equal("/etc/passwd", new FileInfo(root.HostPath + "/opt/app/passwd").LinkTarget);
        Assert.Equal("../../outside", new FileInfo(root.HostPath + "/opt/app/etc/up").LinkTarget);
        Assert.Equal("x", File.ReadAllText(root.HostPath + "/opt/app/etc/app.conf"));
        Assert.Equal(new CopyInResult(1, 2, 2, 0, 1), result);
    }

    [Fact]
    public async Task A_trailing_slash_copies_into_the_directory()
    {
        var source = temp.WriteFile("model.cfg", "cfg");
        await root.CopyInAsync(source, "/etc/app/");
        Assert.Equal("cfg", File.ReadAllText(root.HostPath + "/etc/app/model.cfg"));
    }

    [Fact]
    public async Task A_tree_is_merged_into_an_existing_directory_without_changing_its_mode()
    {
        root.CreateDirectory("/etc", TarBuilder.Mode755);
        await root.WriteFileAsync("/etc/hostname", "image"u8.ToArray());
        var source = temp.CreateDirectory("src");
        temp.WriteFile("src/app.conf", "x");
        File.SetUnixFileMode(source, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await root.CopyInAsync(source, "/etc");

        Assert.Equal("image", File.ReadAllText(root.HostPath + "/etc/hostname"));
        Assert.Equal("x", File.ReadAllText(root.HostPath + "/etc/app.conf"));
        Assert.Equal(TarBuilder.Mode755, File.GetUnixFileMode(root.HostPath + "/etc"));
    }

    [Fact]
    public async Task A_destination_under_a_symlink_to_a_host_directory_stays_inside_the_image()
    {
        var outside = temp.CreateDirectory("outside");
        File.CreateSymbolicLink(root.HostPath + "/opt", outside);
        var source = temp.WriteFile("src/file", "x");

        await root.CopyInAsync(source, "/opt/file");

        Assert.False(File.Exists(Path.Combine(outside, "file")));
        Assert.True(File.Exists(root.HostPath + outside + "/file"));
    }

    [Fact]
    public async Task A_symlink_named_as_the_source_is_followed()
    {
        var real = temp.CreateDirectory("real");
        temp.WriteFile("real/a", "a");
        var link = temp.Combine("link");
        File.CreateSymbolicLink(link, real);

        await root.CopyInAsync(link, "/data");

        Assert.Equal("a", File.ReadAllText(root.HostPath + "/data/a"));
        Assert.Null(new FileInfo(root.HostPath + "/data").LinkTarget);
    }

    [Fact]
    public async Task Special_files_in_the_tree_are_skipped_and_counted()
    {
        var source = temp.CreateDirectory("src");
        Assert.Equal(0, NodeOperations.CreateSpecialNode(Path.Combine(source, "pipe"), NodeType.Fifo, (UnixFileMode)0x1a4));

        var result = await root.CopyInAsync(source, "/x");

        Assert.Equal(1, result.SkippedSpecialFiles);
        Assert.False(File.Exists(root.HostPath + "/x/pipe"));
    }

    [SkippableFact]
    public async Task A_given_owner_applies_to_everything_copied()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "changing a file's owner needs root");
        var source = temp.CreateDirectory("src");
        temp.WriteFile("src/f", "x");
        File.CreateSymbolicLink(Path.Combine(source, "l"), "f");
        var owner = new ImageOwner(1234, 5678);

        await root.CopyInAsync(source, "/home/user", Mode600, owner);

        foreach (var path in new[] { "/home/user", "/home/user/f", "/home/user/l" })
        {
            var status = Nodes.TryGetStatus(root.HostPath + path)!;
            Assert.Equal((1234u, 5678u), (status.Uid, status.Gid));
        }

        Assert.Equal(0u, Nodes.TryGetStatus(root.HostPath + "/home")!.Uid);
    }

    [Fact]
    public async Task A_missing_source_is_refused() =>
        await Assert.ThrowsAsync<FileNotFoundException>(() => root.CopyInAsync(temp.Combine("missing"), "/x"));

    [Fact]
    public async Task A_source_that_contains_the_image_is_refused() =>
        await Assert.ThrowsAsync<IOException>(() => root.CopyInAsync(temp.Path, "/x"));

    [Fact]
    public async Task A_destination_that_climbs_out_is_refused()
    {
        var source = temp.WriteFile("f", "x");
        await Assert.ThrowsAsync<UnsafePathException>(() => root.CopyInAsync(source, "/a/../../evil"));
        Assert.False(File.Exists(temp.Combine("evil")));
    }
}
