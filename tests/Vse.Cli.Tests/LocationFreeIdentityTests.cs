namespace Vse.Cli.Tests;

/// <summary>
/// Issue 16: one description tree in two places (two clones, a moved directory) is one
/// configuration: the same digest, the same configuration id, every layer cached.
/// </summary>
public sealed class LocationFreeIdentityTests
{
    private const string Copying = """
        vse: 1
        name: apps/location-free
        os: {base: busybox}
        files:
          - {copy: ./src, to: /opt/src}
        build:
          - {run: "ls /opt/src > /listing"}
        """;

    [Theory]
    [InlineData("mpi-ring", "mpi-ring/mpi-ring.vse.yaml")]
    [InlineData("testbed", "testbed/testbed.vse.yaml")]
    public async Task An_example_validated_in_two_directories_has_one_digest(string app, string file)
    {
        using var first = new Workspace();
        using var second = new Workspace();
        first.UseExample(app);
        second.UseExample(app);
        var one = await first.RunAsync("validate", file);
        var two = await second.RunAsync("validate", file);
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.True(two.ExitCode == 0, two.Stderr);
        Assert.Matches(@"ok \(sha256:[0-9a-f]{64}\)", one.Stdout);
        Assert.Equal(one.Stdout, two.Stdout);
    }

    [SkippableFact]
    public async Task A_description_tree_built_from_a_second_directory_is_the_same_configuration_all_cached()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        foreach (var clone in new[] { "clone-a", "moved/clone-b" })
        {
            workspace.Write($"{clone}/app.vse.yaml", Copying);
            workspace.Write($"{clone}/src/a.txt", "A");
            workspace.Write($"{clone}/src/sub/b.txt", "B");
        }

        var first = await workspace.RunAsync("build", "clone-a/app.vse.yaml");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("4 built, 0 cached", first.Stdout);
        var second = await workspace.RunAsync("build", "moved/clone-b/app.vse.yaml");
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("0 built, 4 cached", second.Stdout);
        Assert.NotEmpty(ConfigurationId(first.Stdout));
        Assert.Equal(ConfigurationId(first.Stdout), ConfigurationId(second.Stdout));

        var images = await workspace.RunAsync("images");
        Assert.Single(images.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.Contains("apps/location-free", StringComparison.Ordinal));
    }

    private static string ConfigurationId(string buildOutput) =>
        System.Text.RegularExpressions.Regex.Match(buildOutput, "as configuration ([0-9a-f]+)").Groups[1].Value;
}
