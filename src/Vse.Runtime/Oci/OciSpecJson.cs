using System.Text.Json.Serialization;

namespace Vse.Runtime.Oci;

/// <summary>Source-generated serialisation of <see cref="OciSpec"/> (no reflection, AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(OciSpec))]
internal sealed partial class OciSpecJson : JsonSerializerContext;
