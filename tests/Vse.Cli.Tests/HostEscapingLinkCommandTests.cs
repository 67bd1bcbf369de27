using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse build</c>, <c>gc</c>, <c>destroy</c> and <c>diff</c> on an image whose links lead to the
/// host's /, /tmp, /usr/share and ../../../..: each finishes quickly, reports the image's own
/// size, and gc does not hold the store lock forever (a build after it gets through).
/// </summary>
public sealed partial class HostEscapingLinkCommandTests
{
    private const string Linked = """
        vse: 1
        name: apps/links-out
        os: {base: scratch}
        files:
          - {write: /own, content: "1234"}
          - {link: /tmp, to: /evil}
          - {link: /, to: /rootlink}
          - {link: /usr/share, to: /share}
          - {mkdir: /a/b/c}
          - {link: ../../../.., to: /a/b/c/up}
        """;

    /// <summary>Far more than any of these commands needs; a walk of the host's tree takes longer, or forever.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [SkippableFact]
    public async Task Build_reports_the_image_own_size_and_gc_destroy_and_diff_finish()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("links.vse.yaml", Linked);
        var export = Path.Combine(workspace.Root, "export-dir");

        var built = await RunAsync(workspace, "build", "links.vse.yaml", "--output", $"dir:{export}", "--output", $"tar:{export}.tar");
        Assert.True(built.ExitCode == 0, built.Stderr);
        var size = SizeLine().Match(built.Stdout);
        Assert.True(size.Success, built.Stdout);
        Assert.Contains(size.Groups["unit"].Value, new[] { "B", "KiB" });
        Assert.Equal("/tmp", new FileInfo(Path.Combine(export, "evil")).LinkTarget);

        var id = (await RunAsync(workspace, "images")).Stdout.Split('\n')[1].Split(' ')[0];
        var diff = await RunAsync(workspace, "diff", id, id);
        Assert.True(diff.ExitCode == 0, diff.Stderr);

        // gc keeps the referenced layers, destroy removes them: both walk the store.
        Assert.Equal(0, (await RunAsync(workspace, "gc")).ExitCode);
        var destroyed = await RunAsync(workspace, "destroy", id);
        Assert.True(destroyed.ExitCode == 0, destroyed.Stderr);
        Assert.Equal(0, (await RunAsync(workspace, "gc")).ExitCode);

        // The store lock is free again: a build gets it.
        Assert.Equal(0, (await RunAsync(workspace, "build", "links.vse.yaml")).ExitCode);
    }

    /// <summary>Runs vse, killing it (and failing the test) if it runs past <see cref="Limit"/>.</summary>
    private static Task<VseProcess.Outcome> RunAsync(Workspace workspace, params string[] args) =>
        VseProcess.RunGuardedAsync(workspace.Root, workspace.Environment, Limit, args);

    [GeneratedRegex(@"^built apps/links-out .*; (?<size>[0-9.]+) (?<unit>[KMGT]?i?B)$", RegexOptions.Multiline)]
    private static partial Regex SizeLine();
}
