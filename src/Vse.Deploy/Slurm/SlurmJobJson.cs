using System.Text.Json.Serialization;

namespace Vse.Deploy.Slurm;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SlurmJob))]
[JsonSerializable(typeof(NodeShareRecord))]
internal sealed partial class SlurmJobJson : JsonSerializerContext;
