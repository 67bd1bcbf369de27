using System.Text;
using System.Text.RegularExpressions;
using Vse.Description.Merge;
using Vse.Description.Model;

namespace Vse.Cli.Output;

/// <summary>Strings as YAML shows them: plain when YAML would read them back as the same string.</summary>
internal static partial class YamlText
{
    /// <summary>A scalar as YAML would write it: numbers and booleans bare, strings via <see cref="Quote"/>.</summary>
    public static string Format(ScalarValue value) => value.Raw is string text ? Quote(text) : value.ToString();

    /// <summary>The text plain, or as a JSON (YAML double-quoted) string where plain would change its meaning.</summary>
    public static string Quote(string text)
    {
        if (PlainSafe().IsMatch(text) && !LooksTyped().IsMatch(text))
        {
            return text;
        }

        var builder = new StringBuilder();
        CanonicalJson.WriteString(builder, text);
        return builder.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_/.@+-][A-Za-z0-9_/.@+:=-]*$")]
    private static partial Regex PlainSafe();

    // Words YAML 1.1 or 1.2 readers take for numbers, booleans or null.
    [GeneratedRegex(@"^([-+]?[0-9][0-9_.]*|true|false|True|False|TRUE|FALSE|null|Null|NULL|~|yes|no|on|off|y|n|Yes|No|On|Off)$")]
    private static partial Regex LooksTyped();
}
