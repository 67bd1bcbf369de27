namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse build --check</c> as a process (issue 16 item 2): a busybox description rebuilds
/// identical; a step that writes the time is named, with the file, and exits 1; the cached
/// layers are left as they were and the scratch store is gone.
/// </summary>
public sealed class BuildCheckTests
{
    private const string Reproducible = """
        vse: 1
        name: apps/check
        os: {base: busybox}
        files: [{write: /etc/motd, content: "hello\n"}]
        build: [{run: "echo built > /built"}]
        """;

    [SkippableFact]
    public async Task A_reproducible_description_passes_the_check_and_leaves_no_scratch()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        using var workspace = new Workspace();
        workspace.Write("check.vse.yaml", Reproducible);

        var checkedBuild = await workspace.RunAsync("build", "check.vse.yaml", "--check");

        Assert.True(checkedBuild.ExitCode == 0, checkedBuild.Stdout + checkedBuild.Stderr);
        Assert.Contains("all 4 layers rebuilt identical", checkedBuild.Stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "store", "tmp")));
    }

    [SkippableFact]
    public async Task A_step_that_writes_the_time_is_named_with_its_file_and_exits_1_leaving_the_cache_alone()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        using var workspace = new Workspace();
        workspace.Write("check.vse.yaml", Reproducible.Replace(
            "build: [{run: \"echo built > /built\"}]", "build: [{run: \"echo built > /built\"}, {run: \"date +%s%N > /stamp\"}]", StringComparison.Ordinal));
        var first = await workspace.RunAsync("build", "check.vse.yaml");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var stampsBefore = Stamps(workspace);

        var checkedBuild = await workspace.RunAsync("build", "check.vse.yaml", "--check");

        Assert.Equal(1, checkedBuild.ExitCode);
        Assert.Contains("0 built, 5 cached", checkedBuild.Stdout);
        var errors = checkedBuild.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(errors);
        Assert.StartsWith("vse: error: step 4/5 'run date +%s%N > /stamp' is not reproducible: its rebuild differs from cached layer ", error);
        Assert.EndsWith(" in /stamp", error);
        Assert.Equal(stampsBefore, Stamps(workspace));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "store", "tmp")));
    }

    /// <summary>Every cached layer's /stamp, by layer: the check must not have rewritten any.</summary>
    private static Dictionary<string, string> Stamps(Workspace workspace) =>
        Directory.EnumerateDirectories(Path.Combine(workspace.VseHome, "store", "layers"))
            .Where(layer => File.Exists(Path.Combine(layer, "rootfs", "stamp")))
            .ToDictionary(layer => layer, layer => File.ReadAllText(Path.Combine(layer, "rootfs", "stamp")), StringComparer.Ordinal);
}
