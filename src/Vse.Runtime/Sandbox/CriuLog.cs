using System.Text.RegularExpressions;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// Reads CRIU's output (<c>criu check</c>'s stderr, or the <c>dump.log</c> / <c>restore.log</c>
/// runc has it write into the work directory) for the reason it failed.
/// </summary>
internal static partial class CriuLog
{
    /// <returns>
    /// The message of the first error, without its <c>(criu/FILE.c:LINE)</c> origin; null when
    /// CRIU logged none. The first, because CRIU logs the cause and then each caller that gives
    /// up because of it ("Could not initialize kernel features detection").
    /// </returns>
    public static string? FirstError(string log)
    {
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var error = ErrorLine().Match(line);
            if (error.Success)
            {
                return error.Groups[1].Value.Trim();
            }
        }

        return null;
    }

    // "Error (criu/vdso.c:381): vdso: …", in log files after a "(00.085884) " timestamp.
    [GeneratedRegex(@"^(?:\([0-9.]+\)\s*)?Error \([^)]*\):\s*(.+)$")]
    private static partial Regex ErrorLine();
}
