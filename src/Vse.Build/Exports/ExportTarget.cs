namespace Vse.Build.Exports;

/// <summary>Where and how to export a built root filesystem: <c>FORMAT:PATH</c> on the command line.</summary>
public sealed record ExportTarget(ExportFormat Format, string Path)
{
    private static readonly string FormatNames = string.Join(", ", Enum.GetValues<ExportFormat>().Select(Name));

    /// <summary>The format's name as written on the command line (<c>squashfs</c>).</summary>
    public static string Name(ExportFormat format) => format.ToString().ToLowerInvariant();

    /// <summary>
    /// Parses <c>FORMAT:PATH</c>. Only the first colon separates, so a path may contain colons.
    /// The path is kept as given; the exporter makes it absolute.
    /// </summary>
    /// <param name="error">Empty on success; otherwise one line saying what is wrong and what is expected.</param>
    public static bool TryParse(string text, out ExportTarget? target, out string error)
    {
        target = null;
        var colon = text.IndexOf(':');
        if (colon < 0)
        {
            error = $"output '{text}' is not FORMAT:PATH (for example tar:/tmp/image.tar); formats: {FormatNames}";
            return false;
        }

        var formatText = text[..colon].Trim();
        var path = text[(colon + 1)..];
        if (!TryParseFormat(formatText, out var format))
        {
            error = formatText.Length == 0
                ? $"output '{text}' names no format before ':'; formats: {FormatNames}"
                : $"unknown output format '{formatText}'; formats: {FormatNames}";
            return false;
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            error = $"output '{text}' has an empty path after '{formatText}:'";
            return false;
        }

        if (path.Contains('\0'))
        {
            error = $"output path for '{formatText}' contains a NUL character";
            return false;
        }

        target = new ExportTarget(format, path);
        error = "";
        return true;
    }

    public override string ToString() => $"{Name(Format)}:{Path}";

    // Enum.TryParse would also accept numbers ("3:/x") and flag lists ("tar,oci"), which are not formats.
    private static bool TryParseFormat(string text, out ExportFormat format)
    {
        foreach (var candidate in Enum.GetValues<ExportFormat>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }

        format = default;
        return false;
    }
}
