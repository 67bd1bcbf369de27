using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.FileSystem;

public sealed class ImageRootDeleteTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public ImageRootDeleteTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Delete_removes_a_tree_recursively()
    {
        await root.WriteFileAsync("/opt/app/bin/tool", "x"u8.ToArray());
        await root.WriteFileAsync("/opt/app/README", "x"u8.ToArray());

        Assert.True(root.Delete("/opt/app"));

        Assert.False(Directory.Exists(root.HostPath + "/opt/app"));
        Assert.True(Directory.Exists(root.HostPath + "/opt"));
    }

    [Fact]
    public void Deleting_what_is_absent_is_fine()
    {
        Assert.False(root.Delete("/etc/motd"));
        Assert.False(root.Delete("/no/such/dir/file"));
    }

    [Fact]
    public void Deleting_a_symlink_to_a_host_directory_removes_only_the_link()
    {
        var outside = temp.CreateDirectory("outside");
        File.WriteAllText(Path.Combine(outside, "precious"), "keep");
        File.CreateSymbolicLink(root.HostPath + "/link", outside);

        Assert.True(root.Delete("/link"));

        Assert.False(File.Exists(root.HostPath + "/link"));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(outside, "precious")));
    }

    [Fact]
    public void A_tree_with_a_symlink_out_is_deleted_without_following_it()
    {
        var outside = temp.CreateDirectory("outside");
        File.WriteAllText(Path.Combine(outside, "precious"), "keep");
        Directory.CreateDirectory(root.HostPath + "/tree/sub");
        File.CreateSymbolicLink(root.HostPath + "/tree/sub/out", outside);

        root.Delete("/tree");

        Assert.False(Directory.Exists(root.HostPath + "/tree"));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(outside, "precious")));
    }

    [Fact]
    public async Task Delete_follows_intermediate_symlinks_within_the_root()
    {
        await root.WriteFileAsync("/etc/motd", "x"u8.ToArray());
        File.CreateSymbolicLink(root.HostPath + "/alias", "/etc");

        Assert.True(root.Delete("/alias/motd"));

        Assert.False(File.Exists(root.HostPath + "/etc/motd"));
    }

    [Fact]
    public void Delete_refuses_the_root_and_paths_that_climb_out()
    {
        Assert.Throws<UnsafePathException>(() => root.Delete("/"));
        Assert.Throws<UnsafePathException>(() => root.Delete("/.."));
        Assert.Throws<UnsafePathException>(() => root.Delete("/a/../../rootfs"));
        Assert.True(Directory.Exists(root.HostPath));
    }

    [Fact]
    public async Task Delete_removes_read_only_directories()
    {
        await root.WriteFileAsync("/ro/inner/file", "x"u8.ToArray());
        var readOnly = UnixFileMode.UserRead | UnixFileMode.UserExecute;
        File.SetUnixFileMode(root.HostPath + "/ro/inner", readOnly);
        File.SetUnixFileMode(root.HostPath + "/ro", readOnly);

        Assert.True(root.Delete("/ro"));
        Assert.False(Directory.Exists(root.HostPath + "/ro"));
    }
}
