using System.Text;
using Vse.Description.Merge;

namespace Vse.Build.Steps;

/// <summary>Canonical JSON strings, the same encoding the description digest uses.</summary>
internal static class Json
{
    public static string Quote(string text)
    {
        var builder = new StringBuilder();
        CanonicalJson.WriteString(builder, text);
        return builder.ToString();
    }
}
