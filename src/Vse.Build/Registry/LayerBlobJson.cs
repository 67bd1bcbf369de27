using System.Text.Json.Serialization;

namespace Vse.Build.Registry;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LayerBlob))]
internal sealed partial class LayerBlobJson : JsonSerializerContext;
