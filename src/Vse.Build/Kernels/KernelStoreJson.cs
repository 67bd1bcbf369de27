using System.Text.Json.Serialization;

namespace Vse.Build.Kernels;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(KernelRecord))]
internal sealed partial class KernelStoreJson : JsonSerializerContext;
