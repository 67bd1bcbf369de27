using System.Formats.Tar;
using Vse.Build.Archives;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Archives;

public sealed class ArchiveImporterTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public ArchiveImporterTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    private string Host(string imagePath) => root.HostPath + imagePath;

    private Task<ArchiveImportResult> ApplyAsync(byte[] layer) => ArchiveImporter.ApplyAsync(root, new MemoryStream(layer));

    [Fact]
    public async Task Files_directories_and_links_are_extracted_with_mode_and_time()
    {
        var dirTime = new DateTimeOffset(2019, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var layer = new TarBuilder()
            .Directory("./", TarBuilder.Mode755)
            .Directory("etc/", TarBuilder.Mode755, time: dirTime)
            .File("etc/hostname", "box\n", UnixFileMode.UserRead | UnixFileMode.UserWrite)
            .Directory("usr/bin/")
            .File("usr/bin/python3.11", "py", TarBuilder.Mode755)
            .HardLink("usr/bin/python3", "usr/bin/python3.11")
            .Symlink("usr/bin/python", "python3")
            .ToArray();

        var result = await ApplyAsync(layer);

        Assert.Equal("box\n", File.ReadAllText(Host("/etc/hostname")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Host("/etc/hostname")));
        Assert.Equal(TarBuilder.DefaultTime.UtcDateTime, File.GetLastWriteTimeUtc(Host("/etc/hostname")));
        Assert.Equal(dirTime.UtcDateTime, Directory.GetLastWriteTimeUtc(Host("/etc")));
        Assert.Equal("python3", new FileInfo(Host("/usr/bin/python")).LinkTarget);
        Assert.True(Nodes.TryGetStatus(Host("/usr/bin/python3"))!.IsSameNodeAs(Nodes.TryGetStatus(Host("/usr/bin/python3.11"))!));
        Assert.Equal(new ArchiveImportResult(3, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 6), result);
    }

    [Fact]
    public async Task A_symlinks_own_time_is_set_without_following_it()
    {
        var linkTime = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await ApplyAsync(new TarBuilder().File("target", "x").Symlink("link", "target", linkTime).ToArray());
        Assert.Equal(linkTime, Nodes.TryGetStatus(Host("/link"))!.ModificationTime);
        Assert.Equal(TarBuilder.DefaultTime, Nodes.TryGetStatus(Host("/target"))!.ModificationTime);
    }

    [Fact]
    public async Task Times_before_1970_are_kept()
    {
        var old = new DateTimeOffset(1969, 7, 20, 20, 17, 40, 500, TimeSpan.Zero);
        await ApplyAsync(new TarBuilder().File("moon", "x", time: old).ToArray());
        Assert.Equal(old, Nodes.TryGetStatus(Host("/moon"))!.ModificationTime);
    }

    [Fact]
    public async Task A_read_only_directory_gets_its_mode_after_its_children()
    {
        var readOnly = UnixFileMode.UserRead | UnixFileMode.UserExecute;
        await ApplyAsync(new TarBuilder().Directory("ro/", readOnly).File("ro/file", "x").ToArray());
        Assert.Equal(readOnly, File.GetUnixFileMode(Host("/ro")));
        Assert.Equal("x", File.ReadAllText(Host("/ro/file")));
    }

    [Fact]
    public async Task Setuid_bits_survive_the_owner_change()
    {
        var mode = TarBuilder.Mode755 | UnixFileMode.SetUser;
        await ApplyAsync(new TarBuilder().File("usr/bin/passwd", "x", mode, uid: 0, gid: 0).ToArray());
        Assert.Equal(mode, File.GetUnixFileMode(Host("/usr/bin/passwd")));
    }

    [SkippableFact]
    public async Task Owners_are_kept_when_running_as_root()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "keeping owners needs root");
        await ApplyAsync(new TarBuilder()
            .Directory("home/user/", uid: 1000, gid: 1000)
            .File("home/user/.profile", "x", uid: 1000, gid: 100)
            .ToArray());
        Assert.Equal((1000u, 100u), (Nodes.TryGetStatus(Host("/home/user/.profile"))!.Uid, Nodes.TryGetStatus(Host("/home/user/.profile"))!.Gid));
        Assert.Equal(1000u, Nodes.TryGetStatus(Host("/home/user"))!.Uid);
    }

    [Fact]
    public async Task A_gzip_layer_is_recognized_by_its_magic_bytes()
    {
        var result = await ApplyAsync(new TarBuilder().File("a", "gz").ToGzip());
        Assert.Equal("gz", File.ReadAllText(Host("/a")));
        Assert.Equal(1, result.Files);
    }

    [Fact]
    public async Task A_zstd_layer_is_refused_with_a_clear_error()
    {
        var problem = await Assert.ThrowsAsync<UnsupportedCompressionException>(
            () => ApplyAsync([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
        Assert.Equal("zstd", problem.Compression);
    }

    [Fact]
    public async Task Absolute_member_names_are_taken_relative_to_the_root()
    {
        await ApplyAsync(new TarBuilder().File("/etc/abs", "x").ToArray());
        Assert.Equal("x", File.ReadAllText(Host("/etc/abs")));
    }

    [Fact]
    public async Task A_later_layer_replaces_a_file_by_a_directory_and_a_directory_by_a_file()
    {
        await ApplyAsync(new TarBuilder().File("a", "file").Directory("b/").File("b/inner", "x").ToArray());
        await ApplyAsync(new TarBuilder().Directory("a/").File("a/new", "y").File("b", "now a file").ToArray());
        Assert.Equal("y", File.ReadAllText(Host("/a/new")));
        Assert.Equal("now a file", File.ReadAllText(Host("/b")));
    }

    [Fact]
    public async Task A_directory_member_replaces_a_symlink_of_a_lower_layer()
    {
        await ApplyAsync(new TarBuilder().Directory("real/").Symlink("lib", "real").ToArray());
        await ApplyAsync(new TarBuilder().Directory("lib/").File("lib/x", "x").ToArray());
        Assert.Null(new FileInfo(Host("/lib")).LinkTarget);
        Assert.False(File.Exists(Host("/real/x")));
    }

    [Fact]
    public async Task A_file_member_replaces_a_symlink_instead_of_writing_through_it()
    {
        await ApplyAsync(new TarBuilder().File("target", "keep").Symlink("link", "target").ToArray());
        await ApplyAsync(new TarBuilder().File("link", "new").ToArray());
        Assert.Equal("keep", File.ReadAllText(Host("/target")));
        Assert.Equal("new", File.ReadAllText(Host("/link")));
    }

    [Fact]
    public async Task A_whiteout_removes_the_entry_of_a_lower_layer()
    {
        await ApplyAsync(new TarBuilder().File("etc/motd", "hi").Directory("opt/app/").File("opt/app/x", "x").ToArray());
        var result = await ApplyAsync(new TarBuilder().File("etc/.wh.motd", "").File("opt/.wh.app", "").ToArray());
        Assert.False(File.Exists(Host("/etc/motd")));
        Assert.False(Directory.Exists(Host("/opt/app")));
        Assert.False(File.Exists(Host("/etc/.wh.motd")));
        Assert.Equal(2, result.Whiteouts);
    }

    [Fact]
    public async Task A_whiteout_spares_an_entry_of_its_own_layer()
    {
        await ApplyAsync(new TarBuilder().File("a", "new").File(".wh.a", "").ToArray());
        Assert.Equal("new", File.ReadAllText(Host("/a")));
    }

    [Fact]
    public async Task A_whiteout_of_a_symlink_removes_the_link_not_its_target()
    {
        var outside = temp.CreateDirectory("outside");
        File.WriteAllText(Path.Combine(outside, "precious"), "keep");
        await ApplyAsync(new TarBuilder().Symlink("out", outside).ToArray());
        await ApplyAsync(new TarBuilder().File(".wh.out", "").ToArray());
        Assert.False(File.Exists(Host("/out")));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(outside, "precious")));
    }

    [Fact]
    public async Task An_opaque_directory_loses_its_lower_contents_and_keeps_its_own()
    {
        await ApplyAsync(new TarBuilder().Directory("d/").File("d/old", "x").Directory("d/sub/").File("d/sub/old", "x").ToArray());
        var result = await ApplyAsync(new TarBuilder()
            .Directory("d/")
            .File("d/new", "y")
            .File("d/.wh..wh..opq", "")
            .Directory("d/sub2/")
            .ToArray());
        Assert.Equal(["new", "sub2"], Directory.GetFileSystemEntries(Host("/d")).Select(Path.GetFileName).Order());
        Assert.Equal(1, result.OpaqueDirectories);
    }

    [Theory]
    [InlineData(".wh..")]
    [InlineData(".wh...")]
    public async Task A_whiteout_that_names_no_single_entry_is_refused(string name) =>
        await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().File("d/" + name, "").ToArray()));

    [SkippableTheory]
    [InlineData(4096, 0)]
    [InlineData(1, 1 << 20)]
    public async Task A_device_number_linux_cannot_hold_is_a_malformed_archive_not_a_host_failure(int major, int minor)
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "creating device nodes needs root");

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => ApplyAsync(new TarBuilder()
            .Device("dev/odd", TarEntryType.CharacterDevice, major, minor)
            .ToArray()));

        Assert.Equal($"member 'dev/odd': device number {major}:{minor} is not one Linux can hold", refused.Message);
        Assert.Null(Nodes.TryGetStatus(Host("/dev/odd")));
    }

    [SkippableFact]
    public async Task Device_nodes_are_created_when_running_as_root()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "creating device nodes needs root");
        var result = await ApplyAsync(new TarBuilder()
            .Device("dev/null", TarEntryType.CharacterDevice, 1, 3)
            .Device("dev/loop0", TarEntryType.BlockDevice, 7, 0)
            .ToArray());
        if (result.SkippedDeviceNodes > 0)
        {
            // Root in a user namespace: the kernel refuses mknod, and the importer says so.
            Assert.Equal(2, result.SkippedDeviceNodes);
            return;
        }

        var nullDevice = Nodes.TryGetStatus(Host("/dev/null"))!;
        Assert.Equal((NodeType.CharacterDevice, 1u, 3u), (nullDevice.Type, nullDevice.DeviceMajor, nullDevice.DeviceMinor));
        Assert.Equal(NodeType.BlockDevice, Nodes.TryGetStatus(Host("/dev/loop0"))!.Type);
        Assert.Equal(2, result.DeviceNodes);
    }

    [Fact]
    public async Task Device_nodes_are_skipped_and_counted_without_root()
    {
        var layer = new TarBuilder().Device("dev/null", TarEntryType.CharacterDevice, 1, 3).Fifo("run/fifo").ToArray();
        var result = await ArchiveImporter.ApplyAsync(root, new MemoryStream(layer), privileged: false, CancellationToken.None);
        Assert.Equal(1, result.SkippedDeviceNodes);
        Assert.Null(Nodes.TryGetStatus(Host("/dev/null")));
        Assert.Equal(NodeType.Fifo, Nodes.TryGetStatus(Host("/run/fifo"))!.Type);
        Assert.Equal(1, result.Fifos);
    }

    [Fact]
    public async Task Global_pax_headers_are_ignored()
    {
        var layer = new TarBuilder()
            .Add(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "x" }))
            .File("a", "x")
            .ToArray();
        var result = await ApplyAsync(layer);
        Assert.Equal((1, 0), (result.Files, result.SkippedUnsupported));
    }
}
