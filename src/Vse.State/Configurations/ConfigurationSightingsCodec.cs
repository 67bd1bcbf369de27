using System.Text.Json;

namespace Vse.State.Configurations;

/// <summary>
/// The JSON of <see cref="ConfigurationSightings"/>' file, written and read by hand (no serializer
/// metadata on a path that exists to be short): <c>{"format":1,"state":"…","configurations":{"ID":{…}}}</c>.
/// </summary>
internal static class ConfigurationSightingsCodec
{
    public static void Write(Stream stream, int format, string state, IReadOnlyDictionary<string, ConfigurationRecord> sightings)
    {
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteNumber("format", format);
        writer.WriteString("state", state);
        writer.WriteStartObject("configurations");
        foreach (var (id, record) in sightings)
        {
            writer.WriteStartObject(id);
            writer.WriteString("id", record.Id);
            writer.WriteString("name", record.Name);
            writer.WriteString("digest", record.DescriptionDigest);
            writer.WriteString("target", record.Target);
            writer.WriteString("top", record.TopLayerKey);
            writer.WriteString("rootfs", record.RootfsPath);
            writer.WriteNumber("size", record.SizeBytes);
            writer.WriteNumber("created", record.CreatedAt.UtcTicks);
            writer.WriteStartArray("layers");
            foreach (var key in record.LayerKeys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteString("description", record.DescriptionJson);
            writer.WriteString("lock", record.LockJson);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <returns>The sightings when the file is of <paramref name="format"/> and was taken in <paramref name="state"/>, else null.</returns>
    /// <exception cref="JsonException">Not JSON.</exception>
    /// <exception cref="InvalidOperationException">A value of the wrong kind.</exception>
    /// <exception cref="KeyNotFoundException">A property missing.</exception>
    public static IReadOnlyDictionary<string, ConfigurationRecord>? Read(ReadOnlyMemory<byte> bytes, int format, string state)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (root.GetProperty("format").GetInt32() != format || root.GetProperty("state").GetString() != state)
        {
            return null;
        }

        var sightings = new Dictionary<string, ConfigurationRecord>(StringComparer.Ordinal);
        foreach (var entry in root.GetProperty("configurations").EnumerateObject())
        {
            var value = entry.Value;
            var record = new ConfigurationRecord(
                Id: Text(value, "id"),
                Name: Text(value, "name"),
                DescriptionDigest: Text(value, "digest"),
                Target: value.GetProperty("target").GetString(),
                TopLayerKey: Text(value, "top"),
                RootfsPath: Text(value, "rootfs"),
                SizeBytes: value.GetProperty("size").GetInt64(),
                CreatedAt: new DateTimeOffset(value.GetProperty("created").GetInt64(), TimeSpan.Zero),
                LayerKeys: [.. value.GetProperty("layers").EnumerateArray().Select(key => key.GetString() ?? throw new InvalidOperationException("a layer key is null"))],
                DescriptionJson: Text(value, "description"),
                LockJson: Text(value, "lock"));
            if (record.Id != entry.Name)
            {
                throw new InvalidOperationException($"the sighting under '{entry.Name}' is of '{record.Id}'");
            }

            sightings[entry.Name] = record;
        }

        return sightings;
    }

    private static string Text(JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new InvalidOperationException($"'{property}' is null");
}
