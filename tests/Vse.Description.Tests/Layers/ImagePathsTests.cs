using Vse.Description.Layers;

namespace Vse.Description.Tests.Layers;

public sealed class ImagePathsTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/etc/motd")]
    [InlineData("/a/b/../c")]
    [InlineData("/a/./b")]
    [InlineData("/a/..")]
    public void An_absolute_path_that_stays_inside_the_image_is_acceptable(string path) => Assert.Null(ImagePaths.Problem(path));

    [Theory]
    [InlineData("etc/motd")]
    [InlineData("./etc")]
    [InlineData("")]
    [InlineData("/..")]
    [InlineData("/a/../../etc")]
    [InlineData("/a/b/../../../etc")]
    [InlineData("/etc/\0x")]
    public void A_relative_path_or_one_that_climbs_above_the_root_is_refused(string path) => Assert.NotNull(ImagePaths.Problem(path));

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/lustre", "/lustre")]
    [InlineData("/lustre/", "/lustre")]
    [InlineData("//lustre", "/lustre")]
    [InlineData("/./lustre", "/lustre")]
    [InlineData("/x/../lustre", "/lustre")]
    [InlineData("/a/b/..", "/a")]
    [InlineData("/a/.", "/a")]
    [InlineData("/a//b", "/a/b")]
    [InlineData("/.hidden/..x/x..", "/.hidden/..x/x..")]
    [InlineData("/x/..", "/")]
    public void A_path_has_one_normal_spelling(string path, string expected) => Assert.Equal(expected, ImagePaths.Normalize(path));
}
