using System.Text.RegularExpressions;

namespace Vse.Runtime.Oci;

/// <summary>
/// Reduces what an OCI runtime wrote on failure to one line for the user: runc logs in logfmt
/// (<c>time="…" level=error msg="…"</c>), crun writes <c>crun: MESSAGE</c>.
/// </summary>
internal static partial class RuntimeErrors
{
    public static string OneLine(string output, int exitCode)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return $"exit code {exitCode} without a message";
        }

        // The last error line is the outermost explanation; earlier ones are warnings.
        var line = lines.LastOrDefault(l => l.Contains("level=error", StringComparison.Ordinal)) ?? lines[^1];
        var message = LogfmtMessage().Match(line);
        return message.Success ? Regex.Unescape(message.Groups[1].Value) : line;
    }

    [GeneratedRegex("""msg="((?:[^"\\]|\\.)*)"\s*$""")]
    private static partial Regex LogfmtMessage();
}
