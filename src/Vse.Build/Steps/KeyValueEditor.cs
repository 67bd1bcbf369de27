using System.Text.RegularExpressions;

namespace Vse.Build.Steps;

/// <summary>
/// <c>{edit: PATH, set: {KEY: VALUE}}</c> for configuration files of <c>key = value</c>,
/// <c>key=value</c> or <c>key value</c> lines: the first line that sets KEY (not a comment)
/// gets the new value with its own separator kept; an absent KEY is appended as <c>KEY = VALUE</c>.
/// </summary>
internal static class KeyValueEditor
{
    public static string Set(string content, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var lines = content.Split('\n').ToList();
        var endsWithNewline = content.EndsWith('\n');
        if (endsWithNewline)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        foreach (var (key, value) in settings)
        {
            var pattern = new Regex($@"^(\s*{Regex.Escape(key)})(\s*=\s*|\s+)(.*)$", RegexOptions.None, TimeSpan.FromSeconds(1));
            var index = lines.FindIndex(line => !line.TrimStart().StartsWith('#') && pattern.IsMatch(line));
            if (index >= 0)
            {
                var match = pattern.Match(lines[index]);
                lines[index] = match.Groups[1].Value + match.Groups[2].Value + value;
            }
            else
            {
                lines.Add($"{key} = {value}");
            }
        }

        return string.Join('\n', lines) + (lines.Count > 0 ? "\n" : "");
    }
}
