using Vse.Build;
using Vse.Build.Locks;
using Vse.Build.Reproducible;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Online;
using Vse.Description;
using Vse.Description.Model;

namespace Vse.Cli.Commands;

/// <summary>The <c>--check</c> part of <c>vse build</c>: runs <see cref="BuildChecker"/> and says which steps did not reproduce.</summary>
internal static class BuildCheckReport
{
    /// <summary>How many differing paths a mismatch names before "and N more".</summary>
    private const int PathsShown = 5;

    public static async Task<int> RunAsync(
        Workspace workspace, BuildResult built, ResolvedDescription resolved, RuntimeModel model, IProgress<BuildEvent> progress, PackagePins? pins, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.Out.WriteLine($"checking {resolved.Name}: rebuilding {built.Layers.Count} layers without cache");
        var mismatches = await BuildChecker.CheckAsync(
            workspace.Layers, built.Layers, resolved, model, new InstanceStepRunner(workspace.Home), progress, cancellationToken, pins);
        foreach (var mismatch in mismatches)
        {
            var more = mismatch.Paths.Count > PathsShown ? $" and {mismatch.Paths.Count - PathsShown} more" : "";
            await Console.Error.WriteLineAsync(
                $"vse: error: step {mismatch.Index}/{built.Layers.Count} '{mismatch.Title}' is not reproducible: its rebuild differs from cached layer {mismatch.Key[..12]} in " +
                string.Join(", ", mismatch.Paths.Take(PathsShown).Select(p => p == "." ? "/" : "/" + p)) + more);
        }

        if (mismatches.Count > 0)
        {
            return ExitCodes.CommandFailed;
        }

        Console.Out.WriteLine($"checked {resolved.Name} in {Sizes.Duration(started.Elapsed)}: all {built.Layers.Count} layers rebuilt identical");
        return ExitCodes.Success;
    }
}
