using System.Text.Json;

namespace Vse.Runtime.Vm;

/// <summary>A list of strings kept as a JSON array: what create writes for later vse processes to start the same machine.</summary>
internal static class StringListFile
{
    public static async Task WriteAsync(string path, IReadOnlyList<string> values, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<string>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return [.. document.RootElement.EnumerateArray().Select(value => value.GetString() ?? throw new InvalidDataException($"{path} holds something other than strings"))];
    }
}
