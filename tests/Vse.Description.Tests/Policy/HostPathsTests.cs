using Vse.Description.Policy;
using Vse.Description.Tests.Support;

namespace Vse.Description.Tests.Policy;

public sealed class HostPathsTests
{
    [Theory]
    [InlineData("/nonexistent-vse/a/../b", "/nonexistent-vse/b")]
    [InlineData("/nonexistent-vse/./a//b/", "/nonexistent-vse/a/b")]
    [InlineData("/nonexistent-vse/../../etc", "/etc")]
    public void A_path_that_does_not_exist_is_normalised_lexically(string path, string expected) =>
        Assert.Equal(expected, HostPaths.Canonicalize(path));

    [Fact]
    public void Symlinks_of_the_existing_prefix_are_resolved()
    {
        using var ws = new DescriptionWorkspace();
        var real = ws.CreateDirectory("real");
        File.CreateSymbolicLink(Path.Combine(ws.Root, "link"), real);

        Assert.Equal(Path.Combine(real, "not", "yet"), HostPaths.Canonicalize(Path.Combine(ws.Root, "link", "not", "yet")));
    }

    [Fact]
    public void Dot_dot_after_a_symlink_goes_up_from_where_the_symlink_leads()
    {
        using var ws = new DescriptionWorkspace();
        var target = ws.CreateDirectory("elsewhere/deep");
        ws.CreateDirectory("here");
        File.CreateSymbolicLink(Path.Combine(ws.Root, "here", "link"), target);

        Assert.Equal(Path.Combine(ws.Root, "elsewhere", "x"), HostPaths.Canonicalize(Path.Combine(ws.Root, "here", "link") + "/../x"));
    }

    [Theory]
    [InlineData("/a/b", "/a/b", true)]
    [InlineData("/a/b/c", "/a/b", true)]
    [InlineData("/a/b/c", "/a/b/", true)]
    [InlineData("/a/bc", "/a/b", false)]
    [InlineData("/a", "/a/b", false)]
    [InlineData("/anything", "/", true)]
    public void Within_means_the_directory_or_below_it(string path, string directory, bool expected) =>
        Assert.Equal(expected, HostPaths.IsWithin(path, directory));
}
