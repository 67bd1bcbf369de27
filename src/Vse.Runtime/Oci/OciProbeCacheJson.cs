using System.Text.Json.Serialization;

namespace Vse.Runtime.Oci;

/// <summary>Source-generated serialisation of the probe cache (no reflection, AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(OciProbeCacheFile))]
internal sealed partial class OciProbeCacheJson : JsonSerializerContext;
