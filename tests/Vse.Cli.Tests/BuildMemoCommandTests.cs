using System.Text.RegularExpressions;

namespace Vse.Cli.Tests;

/// <summary>The build memo through the command line: what removes layers leaves no stale entry in use (docs/build.md).</summary>
public sealed class BuildMemoCommandTests
{
    private const string Memo = """
        vse: 1
        name: apps/memo
        os: {base: busybox}
        files: [{write: /etc/memo, content: "remembered\n"}]
        """;

    [SkippableFact]
    public async Task Layers_removed_by_destroy_and_gc_are_built_again_by_the_next_build_not_taken_from_the_memo()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("memo.vse.yaml", Memo);
        var first = await workspace.RunAsync("build", "memo.vse.yaml");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(workspace.VseHome, "store", "build-memo")));
        var configuration = Regex.Match(first.Stdout, "as configuration ([0-9a-f]+)").Groups[1].Value;

        var destroyed = await workspace.RunAsync("destroy", configuration);
        Assert.True(destroyed.ExitCode == 0, destroyed.Stderr);
        var gc = await workspace.RunAsync("gc");
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Empty(Directory.GetDirectories(Path.Combine(workspace.VseHome, "store", "layers")));

        var rebuilt = await workspace.RunAsync("build", "memo.vse.yaml");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        Assert.Contains("3 layers, 3 built, 0 cached", rebuilt.Stdout);
        var again = await workspace.RunAsync("build", "memo.vse.yaml");
        Assert.Contains("3 layers, 0 built, 3 cached", again.Stdout);
    }
}
