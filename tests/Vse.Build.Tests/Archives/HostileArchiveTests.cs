using Vse.Build.Archives;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Archives;

/// <summary>Archives built to escape the image root: each must be refused, or land inside it.</summary>
public sealed class HostileArchiveTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public HostileArchiveTests()
    {
        // Nested two deep so that '../..' from the root is still inside the test's directory.
        root = new ImageRoot(temp.CreateDirectory("a/rootfs"));
    }

    public void Dispose() => temp.Dispose();

    private Task<ArchiveImportResult> ApplyAsync(TarBuilder layer) => ArchiveImporter.ApplyAsync(root, new MemoryStream(layer.ToArray()));

    [Theory]
    [InlineData("../../etc/evil")]
    [InlineData("a/../../x")]
    [InlineData("/../x")]
    [InlineData("./../a/x")]
    public async Task A_member_name_that_climbs_out_is_refused(string name)
    {
        var problem = await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().File(name, "evil")));
        Assert.Equal(name, problem.Path);
        Assert.Empty(Directory.GetFileSystemEntries(root.HostPath));
        Assert.False(File.Exists(temp.Combine("a/x")));
        Assert.False(File.Exists(temp.Combine("x")));
    }

    [Fact]
    public async Task A_directory_member_that_climbs_out_is_refused() =>
        await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().Directory("../escape/")));

    [Fact]
    public async Task Writing_through_a_symlink_to_etc_lands_in_the_images_etc()
    {
        var hostPasswd = HostFile.Capture("/etc/passwd");

        await ApplyAsync(new TarBuilder().Symlink("link", "/etc").File("link/passwd", "evil::0:0::/:/bin/sh\n"));

        Assert.Equal(hostPasswd, HostFile.Capture("/etc/passwd"));
        Assert.Equal("evil::0:0::/:/bin/sh\n", File.ReadAllText(root.HostPath + "/etc/passwd"));
        Assert.Equal("/etc", new FileInfo(root.HostPath + "/link").LinkTarget);
    }

    [Fact]
    public async Task Writing_through_a_symlink_to_an_absolute_host_directory_stays_inside()
    {
        var outside = temp.CreateDirectory("outside");

        await ApplyAsync(new TarBuilder().Symlink("out", outside).File("out/planted", "evil"));

        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal("evil", File.ReadAllText(root.HostPath + outside + "/planted"));
    }

    [Fact]
    public async Task A_symlink_that_climbs_with_dot_dot_stops_at_the_root()
    {
        await ApplyAsync(new TarBuilder().Symlink("up", "../../..").File("up/x", "evil"));

        Assert.Equal("evil", File.ReadAllText(root.HostPath + "/x"));
        Assert.False(File.Exists(temp.Combine("x")));
        Assert.False(File.Exists(temp.Combine("a/x")));
    }

    [Fact]
    public async Task A_symlink_in_a_nested_directory_that_climbs_stops_at_the_root()
    {
        await ApplyAsync(new TarBuilder().Directory("d/e/").Symlink("d/e/up", "../../../../../tmp").File("d/e/up/x", "evil"));
        Assert.Equal("evil", File.ReadAllText(root.HostPath + "/tmp/x"));
    }

    [Fact]
    public async Task A_hard_link_to_a_path_that_climbs_out_is_refused()
    {
        var problem = await Assert.ThrowsAsync<UnsafePathException>(
            () => ApplyAsync(new TarBuilder().HardLink("shadow", "../../../etc/shadow")));
        Assert.Equal("../../../etc/shadow", problem.Path);
        Assert.Contains("hard link 'shadow'", problem.Message);
        Assert.Null(Nodes.TryGetStatus(root.HostPath + "/shadow"));
    }

    [Fact]
    public async Task A_hard_link_to_an_absolute_host_path_means_the_images_file()
    {
        // /etc/shadow exists on the host but not in the image: the link must not reach it.
        await Assert.ThrowsAsync<ImageConflictException>(() => ApplyAsync(new TarBuilder().HardLink("shadow", "/etc/shadow")));

        await ApplyAsync(new TarBuilder().File("etc/shadow", "image").HardLink("shadow", "/etc/shadow"));
        Assert.Equal("image", File.ReadAllText(root.HostPath + "/shadow"));
    }

    [Fact]
    public async Task A_hard_link_through_a_symlink_out_resolves_inside()
    {
        await ApplyAsync(new TarBuilder().File("etc/shadow", "image").Symlink("up", "../../..").HardLink("copy", "up/etc/shadow"));
        Assert.Equal("image", File.ReadAllText(root.HostPath + "/copy"));
    }

    [Fact]
    public async Task A_50_hop_symlink_chain_is_refused_as_a_loop()
    {
        var layer = new TarBuilder();
        for (var i = 0; i < 50; i++)
        {
            layer.Symlink($"l{i}", i == 49 ? "/end" : $"l{i + 1}");
        }

        layer.File("l0/x", "evil");

        await Assert.ThrowsAsync<SymlinkLoopException>(() => ApplyAsync(layer));
        Assert.False(Directory.Exists(root.HostPath + "/end"));
    }

    [Fact]
    public async Task A_symlink_loop_is_refused()
    {
        await Assert.ThrowsAsync<SymlinkLoopException>(
            () => ApplyAsync(new TarBuilder().Symlink("a", "b").Symlink("b", "a").File("a/x", "evil")));
    }

    [Fact]
    public async Task A_whiteout_that_climbs_out_is_refused()
    {
        var victim = temp.WriteFile("victim", "keep");
        await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().File("../../.wh.victim", "")));
        Assert.Equal("keep", File.ReadAllText(victim));
    }

    [Fact]
    public async Task A_whiteout_through_a_symlink_out_deletes_inside_the_image_only()
    {
        var victim = temp.WriteFile("victim", "keep");
        await ApplyAsync(new TarBuilder().Symlink("up", temp.Path).File("up/.wh.victim", ""));
        Assert.Equal("keep", File.ReadAllText(victim));
    }

    [Fact]
    public async Task An_opaque_marker_under_a_symlink_out_empties_nothing_on_the_host()
    {
        var victim = temp.WriteFile("outside/victim", "keep");
        await ApplyAsync(new TarBuilder().Symlink("out", Path.GetDirectoryName(victim)!).File("out/.wh..wh..opq", ""));
        Assert.Equal("keep", File.ReadAllText(victim));
    }

    [Fact]
    public async Task A_member_cannot_replace_the_image_root()
    {
        // umoci's CVE-2021-29136: a "." or "/" entry that is a symlink, after which every member lands where it points.
        await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().Symlink("./", "/etc")));
        await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().Symlink(".", "/etc")));
        await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().Symlink("/", "/tmp")));
        await Assert.ThrowsAsync<UnsafePathException>(() => ApplyAsync(new TarBuilder().File("/", "x")));
        Assert.True(Directory.Exists(root.HostPath));
    }
}
