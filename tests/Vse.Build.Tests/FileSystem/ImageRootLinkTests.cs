using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.FileSystem;

public sealed class ImageRootLinkTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public ImageRootLinkTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Symlink_stores_its_target_verbatim_and_creates_parents()
    {
        var link = root.Symlink("/opt/app/bin/model", "/usr/local/bin/model");
        Assert.Equal(root.HostPath + "/usr/local/bin/model", link);
        Assert.Equal("/opt/app/bin/model", new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task Symlink_replaces_an_existing_link_or_file_not_its_target()
    {
        await root.WriteFileAsync("/target", "keep"u8.ToArray());
        root.Symlink("/target", "/link");
        root.Symlink("/other", "/link");
        Assert.Equal("/other", new FileInfo(root.HostPath + "/link").LinkTarget);
        Assert.Equal("keep", File.ReadAllText(root.HostPath + "/target"));

        root.Symlink("/x", "/target");
        Assert.Equal("/x", new FileInfo(root.HostPath + "/target").LinkTarget);
    }

    [Fact]
    public void Symlink_refuses_a_directory_in_the_way_and_an_empty_target()
    {
        Directory.CreateDirectory(root.HostPath + "/d");
        Assert.Throws<ImageConflictException>(() => root.Symlink("/x", "/d"));
        Assert.Throws<ArgumentException>(() => root.Symlink("", "/e"));
        Assert.Throws<UnsafePathException>(() => root.Symlink("/x", "/"));
    }

    [Fact]
    public async Task HardLink_shares_the_inode_of_an_existing_file()
    {
        await root.WriteFileAsync("/usr/bin/python3.11", "py"u8.ToArray());
        var link = root.HardLink("/usr/bin/python3.11", "/usr/bin/python3");
        Assert.True(Nodes.TryGetStatus(link)!.IsSameNodeAs(Nodes.TryGetStatus(root.HostPath + "/usr/bin/python3.11")!));
    }

    [Fact]
    public async Task HardLink_onto_itself_is_a_no_op()
    {
        await root.WriteFileAsync("/a", "x"u8.ToArray());
        root.HardLink("/a", "/b");
        root.HardLink("/a", "/b");
        Assert.Equal(["a", "b"], Directory.GetFileSystemEntries(root.HostPath).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void HardLink_to_a_path_that_climbs_out_is_refused()
    {
        var problem = Assert.Throws<UnsafePathException>(() => root.HardLink("../../../etc/shadow", "/shadow"));
        Assert.Equal("../../../etc/shadow", problem.Path);
        Assert.False(File.Exists(root.HostPath + "/shadow"));
    }

    [Fact]
    public async Task HardLink_through_a_symlink_that_climbs_resolves_inside_the_image()
    {
        await root.WriteFileAsync("/etc/shadow", "image shadow"u8.ToArray());
        root.Symlink("../../..", "/up");
        var link = root.HardLink("/up/etc/shadow", "/copy");
        Assert.Equal("image shadow", File.ReadAllText(link));
    }

    [Fact]
    public void HardLink_to_a_missing_file_or_a_directory_is_refused()
    {
        Assert.Throws<ImageConflictException>(() => root.HardLink("/etc/shadow", "/s"));
        Directory.CreateDirectory(root.HostPath + "/d");
        Assert.Throws<ImageConflictException>(() => root.HardLink("/d", "/s"));
    }

    [Fact]
    public void HardLink_to_a_symlink_links_the_symlink_itself()
    {
        root.Symlink("/nowhere", "/link");
        var hard = root.HardLink("/link", "/hard");
        Assert.Equal("/nowhere", new FileInfo(hard).LinkTarget);
    }
}
