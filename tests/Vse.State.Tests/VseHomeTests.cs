using Vse.State.Tests.Support;

namespace Vse.State.Tests;

public sealed class VseHomeTests
{
    private static Dictionary<string, string> Environment(params (string Key, string Value)[] variables) =>
        variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Vse_home_wins_for_every_user(bool isRoot)
    {
        var home = VseHome.Resolve(Environment(("VSE_HOME", "/data/vse"), ("HOME", "/home/alice")), isRoot);

        Assert.Equal("/data/vse", home.Root);
    }

    [Fact]
    public void A_user_defaults_to_local_share_under_home()
    {
        var home = VseHome.Resolve(Environment(("HOME", "/home/alice")), isRoot: false);

        Assert.Equal("/home/alice/.local/share/vse", home.Root);
    }

    [Fact]
    public void Root_defaults_to_var_lib_even_with_a_home()
    {
        var home = VseHome.Resolve(Environment(("HOME", "/root")), isRoot: true);

        Assert.Equal("/var/lib/vse", home.Root);
    }

    [Fact]
    public void An_empty_vse_home_counts_as_unset()
    {
        var home = VseHome.Resolve(Environment(("VSE_HOME", ""), ("HOME", "/home/alice")), isRoot: false);

        Assert.Equal("/home/alice/.local/share/vse", home.Root);
    }

    [Fact]
    public void A_relative_vse_home_is_made_absolute()
    {
        var home = VseHome.Resolve(Environment(("VSE_HOME", "rel/vse")), isRoot: false);

        Assert.Equal(Path.Combine(System.Environment.CurrentDirectory, "rel/vse"), home.Root);
    }

    [Fact]
    public void A_user_without_home_or_vse_home_gets_a_clear_error()
    {
        var error = Assert.Throws<VseHomeException>(() => VseHome.Resolve(Environment(), isRoot: false));

        Assert.Contains("VSE_HOME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_follow_the_documented_layout()
    {
        var home = new VseHome("/v");

        Assert.Equal("/v/vse.db", home.Database);
        Assert.Equal("/v/store", home.Store);
        Assert.Equal("/v/store/tmp", home.Temp);
        Assert.Equal("/v/configurations", home.Configurations);
        Assert.Equal("/v/run", home.Deployments);
        Assert.Equal("/v/run/0a1b2c3d/2", home.InstanceDirectory("0a1b2c3d", 2));
        Assert.Equal("/v/locks/store.lock", home.LockFile("store"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Names_that_would_escape_their_directory_are_refused(string name)
    {
        var home = new VseHome("/v");

        Assert.Throws<ArgumentException>(() => home.LockFile(name));
        Assert.Throws<ArgumentException>(() => home.InstanceDirectory(name, 0));
    }

    [Fact]
    public void Creating_makes_every_directory_owner_only_and_is_repeatable()
    {
        using var workspace = new StateWorkspace();
        var home = workspace.Home;

        home.EnsureCreated(CancellationToken.None);
        home.EnsureCreated(CancellationToken.None);

        foreach (var directory in new[] { home.Root, home.Store, home.Temp, home.Configurations, home.Deployments, home.Locks })
        {
            Assert.True(Directory.Exists(directory), directory);
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(directory) & (UnixFileMode)0b000_111_111);
        }
    }
}
