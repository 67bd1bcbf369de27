namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse build --locked LOCK</c> as a process: a lock file that cannot pin the build is one
/// line on stderr and exit 2, before anything is built. (Installing pinned versions needs a
/// Debian build, which these tests do not run yet: docs/build.md.)
/// </summary>
public sealed class BuildLockedTests
{
    private const string Pinned = """
        vse: 1
        name: apps/pinned
        os: {base: "debian:bookworm"}
        """;

    [Theory]
    [InlineData("not json at all", "error: not JSON, so not a vse lock file: ", "[VSE0223]")]
    [InlineData("{\"lockVersion\": 1}", "error: not a vse lock file", "[VSE0223]")]
    [InlineData(
        """{"lockVersion": 1, "name": "apps/other", "description": "sha256:0", "target": null, "base": "debian:bookworm:minbase:default:2026-12-04", "layers": [], "packages": {"bash": "5.2"}, "policy": "sha256:1"}""",
        "error: this lock file is of 'apps/other', not of 'apps/pinned'", "[VSE0224]")]
    public async Task A_lock_file_that_cannot_pin_the_build_is_one_line_and_exit_2_before_building(string lockText, string message, string code)
    {
        using var workspace = new Workspace();
        workspace.Write("pinned.vse.yaml", Pinned);
        var lockPath = workspace.Write("lock.json", lockText);

        var build = await workspace.RunAsync("build", "pinned.vse.yaml", "--locked", lockPath);

        Assert.Equal(2, build.ExitCode);
        var error = Assert.Single(build.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(lockPath + ":1:", error);
        Assert.Contains(message, error);
        Assert.EndsWith(code, error);
        Assert.False(Directory.Exists(Path.Combine(workspace.VseHome, "store", "layers")) &&
            Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "store", "layers")).Any());
    }
}
