using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.FileSystem;

public sealed class ImageRootResolveTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public ImageRootResolveTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_plain_path_maps_below_the_root()
    {
        Assert.Equal(root.HostPath + "/etc/passwd", root.Resolve("/etc/passwd"));
        Assert.Equal(root.HostPath + "/etc/passwd", root.Resolve("etc/passwd"));
        Assert.Equal(root.HostPath, root.Resolve("/"));
    }

    [Fact]
    public void An_absolute_symlink_target_starts_at_the_image_root()
    {
        Directory.CreateDirectory(root.HostPath + "/real/etc");
        File.CreateSymbolicLink(root.HostPath + "/etc", "/real/etc");
        Assert.Equal(root.HostPath + "/real/etc/passwd", root.Resolve("/etc/passwd"));
    }

    [Fact]
    public void An_absolute_symlink_to_a_host_path_stays_inside_the_image()
    {
        File.CreateSymbolicLink(root.HostPath + "/hostetc", "/etc");
        Assert.Equal(root.HostPath + "/etc/passwd", root.Resolve("/hostetc/passwd"));
    }

    [Fact]
    public void A_relative_symlink_target_starts_at_the_links_directory()
    {
        Directory.CreateDirectory(root.HostPath + "/usr/lib");
        Directory.CreateDirectory(root.HostPath + "/a");
        File.CreateSymbolicLink(root.HostPath + "/a/lib", "../usr/lib");
        Assert.Equal(root.HostPath + "/usr/lib/libc.so", root.Resolve("/a/lib/libc.so"));
    }

    [Fact]
    public void Dot_dot_in_a_symlink_target_stops_at_the_image_root()
    {
        File.CreateSymbolicLink(root.HostPath + "/up", "../../../../..");
        Assert.Equal(root.HostPath + "/x", root.Resolve("/up/x"));
        Assert.Equal(root.HostPath, root.Resolve("/up"));
    }

    [Fact]
    public void Dot_dot_in_a_given_path_is_taken_lexically_before_symlinks_are_followed()
    {
        // '/a/../z' means '/z' as written, whatever '/a' is: a description path says where it goes.
        Directory.CreateDirectory(root.HostPath + "/x/y");
        File.CreateSymbolicLink(root.HostPath + "/a", "x/y");
        Assert.Equal(root.HostPath + "/z", root.Resolve("/a/../z"));
    }

    [Fact]
    public void Dot_dot_inside_a_symlink_target_applies_to_the_links_directory_as_the_kernel_does()
    {
        Directory.CreateDirectory(root.HostPath + "/x/y");
        File.CreateSymbolicLink(root.HostPath + "/x/y/back", "../../etc");
        Assert.Equal(root.HostPath + "/etc/z", root.Resolve("/x/y/back/z"));
        File.CreateSymbolicLink(root.HostPath + "/b", "x/y/../../w");
        Assert.Equal(root.HostPath + "/w", root.Resolve("/b"));
    }

    [Fact]
    public void A_path_that_climbs_above_the_root_lexically_is_refused_not_clamped() =>
        Assert.Throws<UnsafePathException>(() => root.Resolve("/a/../../etc"));

    [Fact]
    public void ResolveNoFollow_names_a_final_symlink_itself_but_follows_the_others()
    {
        Directory.CreateDirectory(root.HostPath + "/real");
        File.CreateSymbolicLink(root.HostPath + "/dir", "/real");
        File.CreateSymbolicLink(root.HostPath + "/real/link", "/elsewhere");
        Assert.Equal(root.HostPath + "/real/link", root.ResolveNoFollow("/dir/link"));
        Assert.Equal(root.HostPath + "/elsewhere", root.Resolve("/dir/link"));
    }

    [Fact]
    public void Missing_components_are_kept_as_written()
    {
        Assert.Equal(root.HostPath + "/no/such/file", root.Resolve("/no/such/file"));
    }

    [Fact]
    public void A_symlink_loop_is_an_ELOOP_like_error()
    {
        File.CreateSymbolicLink(root.HostPath + "/a", "b");
        File.CreateSymbolicLink(root.HostPath + "/b", "a");
        var problem = Assert.Throws<SymlinkLoopException>(() => root.Resolve("/a/x"));
        Assert.Equal("/a/x", problem.Path);
        Assert.Contains("too many levels of symbolic links", problem.Message);
    }

    [Fact]
    public void A_chain_of_exactly_the_hop_limit_resolves_and_one_more_does_not()
    {
        Directory.CreateDirectory(root.HostPath + "/end");
        MakeChain(root.HostPath, "c", ImageRoot.MaxSymlinkHops, "/end");
        Assert.Equal(root.HostPath + "/end/x", root.Resolve("/c0/x"));

        MakeChain(root.HostPath, "d", ImageRoot.MaxSymlinkHops + 1, "/end");
        Assert.Throws<SymlinkLoopException>(() => root.Resolve("/d0/x"));
    }

    [Fact]
    public void The_host_root_cannot_be_an_image_root() =>
        Assert.Throws<ArgumentException>(() => new ImageRoot("/"));

    [Fact]
    public void A_missing_image_root_is_refused() =>
        Assert.Throws<DirectoryNotFoundException>(() => new ImageRoot(temp.Combine("missing")));

    [Fact]
    public void TryGetStatus_does_not_follow_a_final_symlink()
    {
        File.CreateSymbolicLink(root.HostPath + "/link", "/nowhere");
        Assert.Equal(NodeType.Symlink, root.TryGetStatus("/link")!.Type);
        Assert.Null(root.TryGetStatus("/nowhere"));
    }

    /// <summary>prefix0 → prefix1 → … → prefix(count-1) → target: exactly <paramref name="count"/> hops.</summary>
    internal static void MakeChain(string directory, string prefix, int count, string target)
    {
        for (var i = 0; i < count; i++)
        {
            File.CreateSymbolicLink($"{directory}/{prefix}{i}", i == count - 1 ? target : $"{prefix}{i + 1}");
        }
    }
}
