using System.Text;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.FileSystem;

public sealed class ImageRootFileTests : IDisposable
{
    private const UnixFileMode Mode640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public ImageRootFileTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task WriteFile_creates_missing_parents_with_0755_and_the_file_with_its_mode()
    {
        var written = await root.WriteFileAsync("/etc/app/app.conf", "a=1\n"u8.ToArray(), Mode640);

        Assert.Equal(root.HostPath + "/etc/app/app.conf", written);
        Assert.Equal("a=1\n", File.ReadAllText(written));
        Assert.Equal(Mode640, File.GetUnixFileMode(written));
        Assert.Equal(TarBuilder.Mode755, File.GetUnixFileMode(root.HostPath + "/etc/app"));
    }

    [Fact]
    public void OpenRead_refuses_a_fifo_or_a_device_instead_of_blocking_or_reading_for_ever()
    {
        // An image can hold a FIFO at /etc/passwd, or a link to /dev/zero: edit steps and the
        // accounts lookup read such files.
        Directory.CreateDirectory(root.HostPath + "/etc");
        Assert.Equal(0, System.Diagnostics.Process.Start("mkfifo", [root.HostPath + "/etc/passwd"])!.WaitForExit(10_000) ? 0 : 1);
        Directory.CreateDirectory(root.HostPath + "/dev");
        File.CreateSymbolicLink(root.HostPath + "/etc/group", "/dev/zero");

        var fifo = Assert.Throws<UnsafePathException>(() => root.OpenRead("/etc/passwd"));
        var linkOutside = Record.Exception(() => root.OpenRead("/etc/group"));

        Assert.Contains("is a fifo in the image, not a regular file", fifo.Message);
        // The link resolves inside the image, where /dev/zero does not exist.
        Assert.IsAssignableFrom<IOException>(linkOutside);
    }

    [Fact]
    public async Task WriteFile_defaults_to_0644_whatever_the_umask()
    {
        var written = await root.WriteFileAsync("/f", "x"u8.ToArray());
        Assert.Equal(TarBuilder.Mode644, File.GetUnixFileMode(written));
    }

    [Fact]
    public async Task WriteFile_keeps_setuid_bits()
    {
        var mode = TarBuilder.Mode755 | UnixFileMode.SetUser;
        var written = await root.WriteFileAsync("/usr/bin/su", "x"u8.ToArray(), mode, ImageOwner.Root);
        Assert.Equal(mode, File.GetUnixFileMode(written));
    }

    [Fact]
    public async Task WriteFile_from_a_stream_copies_it()
    {
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var written = await root.WriteFileAsync("/data.bin", new MemoryStream(content));
        Assert.Equal(content, File.ReadAllBytes(written));
    }

    [Fact]
    public async Task Replacing_a_file_without_a_mode_keeps_its_mode()
    {
        await root.WriteFileAsync("/etc/shadow", "old"u8.ToArray(), Mode640);
        await root.WriteFileAsync("/etc/shadow", "new"u8.ToArray());
        Assert.Equal(Mode640, File.GetUnixFileMode(root.HostPath + "/etc/shadow"));
        Assert.Equal("new", File.ReadAllText(root.HostPath + "/etc/shadow"));
    }

    [SkippableFact]
    public async Task Replacing_a_file_without_an_owner_keeps_its_owner()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "changing a file's owner needs root");
        await root.WriteFileAsync("/etc/shadow", "old"u8.ToArray(), Mode640, new ImageOwner(0, 42));
        await root.WriteFileAsync("/etc/shadow", "new"u8.ToArray());
        var status = Nodes.TryGetStatus(root.HostPath + "/etc/shadow")!;
        Assert.Equal((0u, 42u), (status.Uid, status.Gid));
    }

    [Fact]
    public async Task WriteFile_replaces_a_final_symlink_instead_of_writing_through_it()
    {
        await root.WriteFileAsync("/target", "original"u8.ToArray());
        File.CreateSymbolicLink(root.HostPath + "/link", "/target");

        await root.WriteFileAsync("/link", "replacement"u8.ToArray());

        Assert.Equal("original", File.ReadAllText(root.HostPath + "/target"));
        Assert.Null(new FileInfo(root.HostPath + "/link").LinkTarget);
        Assert.Equal("replacement", File.ReadAllText(root.HostPath + "/link"));
    }

    [Fact]
    public async Task WriteFile_replaces_a_dangling_symlink_that_points_at_the_host()
    {
        var outside = temp.Combine("outside-file");
        File.CreateSymbolicLink(root.HostPath + "/link", outside);

        await root.WriteFileAsync("/link", "x"u8.ToArray());

        Assert.False(File.Exists(outside));
        Assert.Equal("x", File.ReadAllText(root.HostPath + "/link"));
    }

    [Fact]
    public async Task A_parent_symlink_to_a_host_directory_is_followed_inside_the_image()
    {
        var outside = temp.CreateDirectory("outside");
        File.CreateSymbolicLink(root.HostPath + "/etc", outside);

        var written = await root.WriteFileAsync("/etc/passwd", "evil"u8.ToArray());

        Assert.False(File.Exists(Path.Combine(outside, "passwd")));
        Assert.Equal(root.HostPath + outside + "/passwd", written);
    }

    [Fact]
    public async Task WriteFile_refuses_a_directory_in_the_way()
    {
        Directory.CreateDirectory(root.HostPath + "/d");
        await Assert.ThrowsAsync<ImageConflictException>(() => root.WriteFileAsync("/d", "x"u8.ToArray()));
        Assert.True(Directory.Exists(root.HostPath + "/d"));
    }

    [Fact]
    public async Task WriteFile_refuses_the_root_and_paths_that_climb_out()
    {
        await Assert.ThrowsAsync<UnsafePathException>(() => root.WriteFileAsync("/", "x"u8.ToArray()));
        await Assert.ThrowsAsync<UnsafePathException>(() => root.WriteFileAsync("/a/../../evil", "x"u8.ToArray()));
        Assert.False(File.Exists(temp.Combine("evil")));
    }

    [Fact]
    public async Task WriteFile_leaves_no_temporary_file_behind()
    {
        await root.WriteFileAsync("/etc/a", "x"u8.ToArray());
        await Assert.ThrowsAsync<OperationCanceledException>(
            () => root.WriteFileAsync("/etc/b", new MemoryStream(new byte[10]), cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(["a"], Directory.GetFileSystemEntries(root.HostPath + "/etc").Select(Path.GetFileName));
    }

    [Fact]
    public async Task OpenRead_follows_symlinks_within_the_root()
    {
        await root.WriteFileAsync("/real/file", "content"u8.ToArray());
        File.CreateSymbolicLink(root.HostPath + "/alias", "/real");
        using var reader = new StreamReader(root.OpenRead("/alias/file"), Encoding.UTF8);
        Assert.Equal("content", await reader.ReadToEndAsync());
    }

    [Fact]
    public void CreateDirectory_creates_parents_0755_and_the_directory_with_its_mode()
    {
        var created = root.CreateDirectory("/opt/app/data", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(root.HostPath + "/opt/app/data", created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(created));
        Assert.Equal(TarBuilder.Mode755, File.GetUnixFileMode(root.HostPath + "/opt/app"));
    }

    [Fact]
    public void CreateDirectory_on_an_existing_directory_changes_only_what_is_given()
    {
        root.CreateDirectory("/d", Mode640 | UnixFileMode.UserExecute);
        root.CreateDirectory("/d");
        Assert.Equal(Mode640 | UnixFileMode.UserExecute, File.GetUnixFileMode(root.HostPath + "/d"));
        root.CreateDirectory("/d", TarBuilder.Mode755);
        Assert.Equal(TarBuilder.Mode755, File.GetUnixFileMode(root.HostPath + "/d"));
    }

    [Fact]
    public void CreateDirectory_accepts_a_symlink_to_a_directory_like_mkdir_p()
    {
        Directory.CreateDirectory(root.HostPath + "/usr/lib");
        File.CreateSymbolicLink(root.HostPath + "/lib", "usr/lib");
        Assert.Equal(root.HostPath + "/usr/lib", root.CreateDirectory("/lib"));
        Assert.NotNull(new FileInfo(root.HostPath + "/lib").LinkTarget);
    }

    [Fact]
    public void CreateDirectory_does_not_create_a_dangling_symlinks_target()
    {
        File.CreateSymbolicLink(root.HostPath + "/d", "/nowhere");
        Assert.Throws<ImageConflictException>(() => root.CreateDirectory("/d"));
        Assert.False(Directory.Exists(root.HostPath + "/nowhere"));
    }

    [Fact]
    public async Task CreateDirectory_refuses_a_file_in_the_way()
    {
        await root.WriteFileAsync("/f", "x"u8.ToArray());
        Assert.Throws<ImageConflictException>(() => root.CreateDirectory("/f"));
        Assert.Throws<ImageConflictException>(() => root.CreateDirectory("/f/sub"));
    }
}
