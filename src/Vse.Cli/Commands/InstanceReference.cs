using System.Globalization;

namespace Vse.Cli.Commands;

/// <summary>The <c>DEP[/INDEX]</c> argument of <c>exec</c> and <c>logs</c>: a deployment, and optionally one instance.</summary>
internal static class InstanceReference
{
    public static (string Deployment, int? Index) Parse(string text)
    {
        var slash = text.LastIndexOf('/');
        return slash > 0 && int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (text[..slash], index)
            : (text, null);
    }
}
