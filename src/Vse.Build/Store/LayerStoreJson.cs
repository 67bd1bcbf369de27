using System.Text.Json.Serialization;

namespace Vse.Build.Store;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LayerRecord))]
internal sealed partial class LayerStoreJson : JsonSerializerContext;
