using System.Text.RegularExpressions;
using Vse.Host.Processes;

namespace Vse.Runtime.Host;

/// <summary>
/// Runs <c>criu check</c>: an installed CRIU may still fail on the running kernel (CRIU 3.17 and
/// this machine's kernel: "vdso: Failed to fill self vdso symtable"), and only the check shows it.
/// </summary>
public static partial class Criu
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    public static async Task<CriuReport> InspectAsync(CancellationToken cancellationToken)
    {
        if (ExternalTool.Find("criu") is not { } path)
        {
            return new CriuReport(null, null, "not installed (Debian package criu): no sandbox checkpoint/restore");
        }

        var result = await HostCommand.RunAsync(path, ["check"], CheckTimeout, cancellationToken);
        return result switch
        {
            null => new CriuReport(path, false, $"criu check did not finish within {CheckTimeout.TotalSeconds:0} s"),
            { ExitCode: 0 } => new CriuReport(path, true, HostCommand.LastLine(result)),
            _ => new CriuReport(path, false, "criu check failed: " + Summary(result.Stderr + result.Stdout, result.ExitCode)),
        };
    }

    /// <summary>
    /// One line from what a failed <c>criu check</c> wrote: its first error is the cause ("vdso:
    /// Unexpected rt vDSO area bounds"), its last the consequence ("Could not initialize kernel
    /// features detection"); both are worth reading, the source locations are not.
    /// </summary>
    public static string Summary(string output, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(output);
        var errors = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => ErrorPrefix().Match(line) is { Success: true } match ? line[match.Length..] : null)
            .OfType<string>()
            .ToList();
        return errors switch
        {
            [] => $"exit code {exitCode}",
            [var only] => only,
            [var first, .., var last] => $"{first} ... {last}",
        };
    }

    [GeneratedRegex(@"^Error \([^)]*\):\s*", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorPrefix();
}
