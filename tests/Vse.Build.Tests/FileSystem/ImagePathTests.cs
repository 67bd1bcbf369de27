using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.FileSystem;

public sealed class ImagePathTests
{
    [Theory]
    [InlineData("/etc/passwd", "/etc/passwd")]
    [InlineData("etc/passwd", "/etc/passwd")]
    [InlineData("./etc//x/./y/", "/etc/x/y")]
    [InlineData("/a/b/../c", "/a/c")]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("./", "/")]
    [InlineData("/a/..", "/")]
    public void Normalize_gives_the_absolute_lexical_form(string path, string expected) =>
        Assert.Equal(expected, ImagePath.Normalize(path));

    [Theory]
    [InlineData("/a/../../etc")]
    [InlineData("../../etc/evil")]
    [InlineData("a/../../x")]
    [InlineData("/..")]
    [InlineData("..")]
    public void Normalize_refuses_a_path_that_climbs_above_the_root(string path)
    {
        var problem = Assert.Throws<UnsafePathException>(() => ImagePath.Normalize(path));
        Assert.Equal(path, problem.Path);
        Assert.Contains("climbs above the image root", problem.Message);
        Assert.DoesNotContain('\n', problem.Message);
    }

    [Fact]
    public void Normalize_refuses_a_NUL_character() =>
        Assert.Throws<UnsafePathException>(() => ImagePath.Normalize("/etc/pass\0wd"));

    [Theory]
    [InlineData("/a/b", "/a", "b")]
    [InlineData("/a", "/", "a")]
    [InlineData("/", "/", "")]
    public void Parent_and_name_split_a_normalized_path(string path, string parent, string name)
    {
        Assert.Equal(parent, ImagePath.Parent(path));
        Assert.Equal(name, ImagePath.Name(path));
    }

    [Fact]
    public void Combine_does_not_double_the_root_slash()
    {
        Assert.Equal("/a", ImagePath.Combine("/", "a"));
        Assert.Equal("/a/b", ImagePath.Combine("/a", "b"));
    }
}
