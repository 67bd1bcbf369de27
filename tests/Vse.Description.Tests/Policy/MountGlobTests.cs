using Vse.Description.Policy;

namespace Vse.Description.Tests.Policy;

public sealed class MountGlobTests
{
    [Theory]
    [InlineData("/lustre/**", "/lustre")] // ** matches zero segments
    [InlineData("/lustre/**", "/lustre/a")]
    [InlineData("/lustre/**", "/lustre/a/b/c")]
    [InlineData("/scratch/*", "/scratch/alice")]
    [InlineData("/home/*/data", "/home/bob/data")]
    [InlineData("/a/**/b", "/a/b")]
    [InlineData("/a/**/b", "/a/x/y/b")]
    [InlineData("/a/**/b/**", "/a/b")]
    [InlineData("/tmp/vse-*/**", "/tmp/vse-42/out")]
    [InlineData("/a/u*", "/a/user")]
    [InlineData("/a/*x", "/a/abx")]
    [InlineData("/a/*b*c*", "/a/xxbyyczz")]
    [InlineData("/a/*", "/a/*")]
    [InlineData("/**", "/")]
    [InlineData("/**", "/anything/at/all")]
    [InlineData("/a/b", "/a/b")]
    [InlineData("/a/b/", "/a/b")]
    [InlineData("/a//b", "/a/b")]
    public void A_glob_matches(string glob, string path) => Assert.True(MountGlob.Matches(glob, path));

    [Theory]
    [InlineData("/lustre/**", "/lustrefs")]
    [InlineData("/lustre/**", "/")]
    [InlineData("/scratch/*", "/scratch")] // * needs one segment
    [InlineData("/scratch/*", "/scratch/alice/x")] // * never crosses a /
    [InlineData("/home/*/data", "/home/bob/x/data")]
    [InlineData("/a/**/b", "/a/x/c")]
    [InlineData("/a/u*", "/a/xuser")]
    [InlineData("/a/*x", "/a/xa")]
    [InlineData("/a/b", "/a/b/c")]
    [InlineData("/a/b", "/a")]
    [InlineData("/a/b", "/A/b")]
    public void A_glob_does_not_match(string glob, string path) => Assert.False(MountGlob.Matches(glob, path));

    [Fact]
    public void Many_stars_do_not_take_exponential_time()
    {
        var glob = "/" + string.Join("/", Enumerable.Repeat("**", 12)) + "/" + new string('*', 20) + "x";
        var path = "/" + string.Join("/", Enumerable.Repeat("a", 30));

        Assert.False(MountGlob.Matches(glob, path));
    }
}
