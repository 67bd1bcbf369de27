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
                root.GetProperty("name").GetString()!,
                root.GetProperty("description").GetString()!,
                root.GetProperty("target").GetString(),
                root.GetProperty("base").GetString()!,
                root.GetProperty("layers").EnumerateArray().Select(l => (l.GetProperty("step").GetString()!, l.GetProperty("key").GetString()!)).ToList(),
                root.GetProperty("packages").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
                root.GetProperty("policy").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"not a vse lock file: {e.Message}", e);
        }
    }
}
