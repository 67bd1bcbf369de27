using System.Text.Json;

namespace Vse.Runtime.Oci;

/// <summary>
/// Reads an OCI runtime's <c>--log-format json</c> log (one JSON object a line, runc and crun
/// alike) for the error that ended the call.
/// </summary>
internal static class RuntimeLog
{
    /// <returns>The last error message, or null when the runtime logged no error.</returns>
    public static string? LastError(string log)
    {
        string? error = null;
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var entry = JsonDocument.Parse(line);
                if (entry.RootElement.TryGetProperty("level", out var level) && level.GetString() is "error" or "fatal"
                    && entry.RootElement.TryGetProperty("msg", out var message))
                {
                    error = message.GetString();
                }
            }
            catch (JsonException)
            {
                // A line that is not JSON is not one of the runtime's log entries.
            }
        }

        return error;
    }
}
