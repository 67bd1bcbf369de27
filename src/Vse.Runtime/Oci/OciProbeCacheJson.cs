using System.Text.Json.Serialization;

namespace Vse.Runtime.Oci;

/// <summary>
/// Source-generated writing of the probe cache (no reflection, AOT-safe); serialize-only, since
/// <see cref="OciProbeCacheReader"/> reads the file.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(OciProbeCacheFile))]
internal sealed partial class OciProbeCacheJson : JsonSerializerContext;
