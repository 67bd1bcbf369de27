using System.Diagnostics;
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

    /// <summary>
    /// The point of the memo: a repeated build computes no SHA-256, so .NET never loads OpenSSL
    /// (a few milliseconds of every one-shot <c>vse run</c>). The second build keeps the resolve
    /// (the first made the store it is kept in), the third hits both caches.
    /// </summary>
    [SkippableFact]
    public async Task A_repeated_build_opens_no_OpenSSL_library()
    {
        Requirements.Root();
        Requirements.Tool("strace");
        using var workspace = new Workspace();
        workspace.Write("memo.vse.yaml", Memo);
        foreach (var _ in new[] { 1, 2 })
        {
            var build = await workspace.RunAsync("build", "memo.vse.yaml");
            Assert.True(build.ExitCode == 0, build.Stderr);
        }

        var trace = Path.Combine(workspace.Root, "openat.trace");
        var start = new ProcessStartInfo("strace") { WorkingDirectory = workspace.Root, UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-f", "-e", "trace=openat", "-o", trace, VseProcess.Executable, "build", "memo.vse.yaml" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("VSE_PATH");
        start.Environment.Remove("VSE_SITE_DIR");
        foreach (var (key, value) in workspace.Environment)
        {
            start.Environment[key] = value;
        }

        using var traced = Process.Start(start)!;
        var output = await traced.StandardOutput.ReadToEndAsync();
        await traced.WaitForExitAsync();

        Assert.Equal(0, traced.ExitCode);
        Assert.Contains("0 built", output);
        var opened = await File.ReadAllTextAsync(trace);
        Assert.Contains("build-memo/", opened);
        Assert.DoesNotContain("libcrypto", opened);
        Assert.DoesNotContain("libssl", opened);
    }

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
