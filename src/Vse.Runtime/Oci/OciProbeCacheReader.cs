using System.Text.Json;
using Vse.Runtime.Host;

namespace Vse.Runtime.Oci;

/// <summary>
/// Reads the probe cache file that <see cref="OciProbeCacheJson"/> writes, through
/// <see cref="JsonDocument"/>: every <c>vse run</c> and <c>vse deploy</c> reads it, and the
/// serializer's deserialising metadata (records built through their constructors) cost a
/// one-shot run about 2 ms of CPU, where the document reader is already in use on that path
/// (bench/RESULTS.md "runcpath"). Writing, rare, stays with the serializer; a test reads back
/// what it writes for every <see cref="CgroupLayout"/>.
/// </summary>
internal static class OciProbeCacheReader
{
    /// <returns>The entries of a file of <see cref="OciProbeCacheFile.CurrentVersion"/>; none for another version.</returns>
    /// <exception cref="JsonException">Not JSON, or not the shape the cache writes.</exception>
    public static IReadOnlyList<OciProbeCacheEntry> Read(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        try
        {
            if (Member(root, "version").GetInt32() != OciProbeCacheFile.CurrentVersion)
            {
                return [];
            }

            return [.. Member(root, "entries").EnumerateArray().Select(Entry)];
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // A value of another kind (a string for a number, an object for the entries).
            throw new JsonException($"not a probe cache file: {e.Message}", e);
        }
    }

    private static OciProbeCacheEntry Entry(JsonElement entry)
    {
        var key = Member(entry, "key");
        return new OciProbeCacheEntry(
            Text(entry, "name"),
            new OciProbeKey(
                Text(key, "binaryPath"),
                Member(key, "size").GetInt64(),
                Member(key, "modifiedTicksUtc").GetInt64(),
                Text(key, "kernelRelease"),
                Layout(Text(key, "cgroupLayout")),
                Member(key, "effectiveUid").GetUInt32()),
            Member(entry, "works").GetBoolean(),
            Member(entry, "error").GetString(),
            Member(entry, "probedAt").GetDateTimeOffset());
    }

    // The names of CgroupLayout's JsonStringEnumMemberName attributes.
    private static CgroupLayout Layout(string name) => name switch
    {
        "none" => CgroupLayout.None,
        "v1" => CgroupLayout.V1,
        "hybrid" => CgroupLayout.Hybrid,
        "v2" => CgroupLayout.V2,
        _ => throw new JsonException($"unknown cgroup layout '{name}'"),
    };

    private static string Text(JsonElement element, string name) =>
        Member(element, name).GetString() ?? throw new JsonException($"'{name}' is null");

    private static JsonElement Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : throw new JsonException($"'{name}' is missing");
}
