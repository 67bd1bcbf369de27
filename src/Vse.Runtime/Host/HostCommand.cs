using System.Text.RegularExpressions;
using Vse.Host.Processes;

namespace Vse.Runtime.Host;

/// <summary>
/// Runs one short inspection command with its own time limit: a hung tool must cost
/// <c>vse doctor</c> a line saying so, not the whole report.
/// </summary>
internal static partial class HostCommand
{
    /// <summary>The command's result, or null when it did not finish within <paramref name="timeout"/> (it is killed).</summary>
    public static async Task<ExternalTool.Result?> RunAsync(string path, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await ExternalTool.RunUncheckedAsync(path, arguments, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The first version number in a tool's <c>--version</c> output ("crun version 1.8.1" -> "1.8.1").</summary>
    public static string? VersionIn(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = VersionPattern().Match(output);
        return match.Success ? match.Value : null;
    }

    /// <summary>The last non-empty line of what a command wrote: tools put their conclusion last.</summary>
    public static string LastLine(ExternalTool.Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Stderr.Trim().Length > 0 ? result.Stderr : result.Stdout;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? $"exit code {result.ExitCode} without a message";
    }

    [GeneratedRegex(@"\d+(?:\.\d+)+[^\s,;()]*", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
