using Vse.Deploy.Online;

namespace Vse.Deploy.Tests.Online;

public sealed class InstancePathsTests
{
    [Theory]
    [InlineData("/etc/motd", "/etc/motd")]
    [InlineData("etc//x/../motd", "/etc/motd")]
    [InlineData("/../../../etc/shadow", "/etc/shadow")]
    [InlineData("/srv/./data/", "/srv/data")]
    [InlineData("/..", "/")]
    public void Every_spelling_stays_below_the_instance_root(string path, string expected) =>
        Assert.Equal(expected, InstancePaths.Normalize(path));

    [Theory]
    [InlineData("")]
    [InlineData("/etc/\0x")]
    public void A_path_that_names_nothing_is_refused(string path) =>
        Assert.Throws<InstanceAccessException>(() => InstancePaths.Normalize(path));

    [Fact]
    public void Split_gives_the_directory_and_the_name_and_refuses_the_root()
    {
        Assert.Equal(("/", "etc"), InstancePaths.Split("/etc"));
        Assert.Equal(("/etc/ssh", "sshd_config"), InstancePaths.Split("/etc/ssh/sshd_config"));
        Assert.Contains("not the instance's whole root", Assert.Throws<InstanceAccessException>(() => InstancePaths.Split("/")).Message);
    }
}
