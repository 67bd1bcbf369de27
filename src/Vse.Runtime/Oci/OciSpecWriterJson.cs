using System.Text.Json.Serialization;

namespace Vse.Runtime.Oci;

/// <summary>
/// The serialize-only twin of <see cref="OciSpecJson"/>, for writing config.json on every
/// instance start: the generator emits one handler per type that writes straight to the writer,
/// with no property metadata to build first (a few milliseconds of a one-shot <c>vse run</c>,
/// bench/RESULTS.md "runcpath"). Reading a bundle's spec back uses <see cref="OciSpecJson"/>.
/// The options must stay those of <see cref="OciSpecJson"/>: both describe one file.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(OciSpec))]
internal sealed partial class OciSpecWriterJson : JsonSerializerContext;
