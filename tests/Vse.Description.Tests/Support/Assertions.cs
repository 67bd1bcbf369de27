using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Policy;

namespace Vse.Description.Tests.Support;

public static class Assertions
{
    /// <summary>The one diagnostic with <paramref name="code"/>; fails listing them all otherwise.</summary>
    public static Diagnostic Single(IReadOnlyList<Diagnostic> diagnostics, string code)
    {
        var matching = diagnostics.Where(d => d.Code == code).ToList();
        Assert.True(matching.Count == 1, $"expected exactly one {code}, got:\n" + string.Join("\n", diagnostics));
        return matching[0];
    }

    /// <summary>The diagnostics are exactly these codes (in any order); fails listing them otherwise.</summary>
    public static void Codes(IReadOnlyList<Diagnostic> diagnostics, params string[] codes) =>
        Assert.True(
            diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal).SequenceEqual(codes.Order(StringComparer.Ordinal)),
            $"expected [{string.Join(", ", codes)}], got:\n" + string.Join("\n", diagnostics));

    public static void At(Diagnostic diagnostic, string file, int line, int column) =>
        Assert.Equal(new SourceLocation(file, line, column), diagnostic.Location);

    /// <summary>The location of the <paramref name="occurrence"/>th <paramref name="needle"/> in a file, 1-based as diagnostics count.</summary>
    public static SourceLocation Find(string file, string needle, int occurrence = 1)
    {
        var lines = File.ReadAllLines(file);
        var seen = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            for (var at = lines[i].IndexOf(needle, StringComparison.Ordinal); at >= 0; at = lines[i].IndexOf(needle, at + 1, StringComparison.Ordinal))
            {
                if (++seen == occurrence)
                {
                    return new SourceLocation(file, i + 1, at + 1);
                }
            }
        }

        throw new ArgumentException($"'{needle}' (occurrence {occurrence}) is not in {file}");
    }

    /// <summary>The value at a dotted path of resolved content (no dots inside keys).</summary>
    public static DescriptionValue? Get(MapValue content, string dottedPath) => PolicyChecker.Lookup(content, dottedPath.Split('.'));

    public static string? Str(MapValue content, string dottedPath) => (Get(content, dottedPath) as ScalarValue)?.AsString;

    public static long? Int(MapValue content, string dottedPath) => (Get(content, dottedPath) as ScalarValue)?.AsInteger;

    public static IReadOnlyList<string> Members(MapValue content, string dottedPath) =>
        (Get(content, dottedPath) as SetValue)?.Members.ToList() ?? [];

    public static IReadOnlyList<MapValue> Steps(MapValue content, string dottedPath) =>
        (Get(content, dottedPath) as StepListValue)?.Steps.Select(s => s.Body).ToList() ?? [];

    public static IReadOnlyDictionary<string, string> StringMap(MapValue content, string dottedPath) =>
        (Get(content, dottedPath) as MapValue)?.Entries.ToDictionary(e => e.Key, e => e.Value.ToString() ?? "", StringComparer.Ordinal)
        ?? new Dictionary<string, string>();
}
