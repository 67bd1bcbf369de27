using System.Text.Json;

namespace Vse.Build.Locks;

/// <summary>An image's <c>/.vse/lock.json</c>, read back (see <see cref="Steps.MetadataStep"/>).</summary>
public sealed record LockFile(
    string Name,
    string Description,
    string? Target,
    string Base,
    IReadOnlyList<(string Step, string Key)> Layers,
    IReadOnlyDictionary<string, string> Packages,
    string Policy)
{
    /// <exception cref="InvalidDataException">The text is not a vse lock file.</exception>
    public static LockFile Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new LockFile(
                Text(root, "name"),
                Text(root, "description"),
                root.GetProperty("target").ValueKind == JsonValueKind.Null ? null : Text(root, "target"),
                Text(root, "base"),
                root.GetProperty("layers").EnumerateArray().Select(l => (Text(l, "step"), Text(l, "key"))).ToList(),
                root.GetProperty("packages").EnumerateObject().ToDictionary(p => p.Name, p => TextValue(p.Value, $"the version of '{p.Name}'"), StringComparer.Ordinal),
                Text(root, "policy"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"not a vse lock file: {e.Message}", e);
        }
    }

    /// <summary>The string property <paramref name="name"/> of an object.</summary>
    private static string Text(JsonElement element, string name) => TextValue(element.GetProperty(name), $"'{name}'");

    /// <summary>A string value; <paramref name="what"/> says which, for the message.</summary>
    /// <exception cref="InvalidDataException">It is not a string: JSON null, a number, an object.</exception>
    private static string TextValue(JsonElement value, string what) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"not a vse lock file: {what} is {value.ValueKind.ToString().ToLowerInvariant()}, not a string");
}
