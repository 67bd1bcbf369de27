using System.Text.Json.Serialization;

namespace Vse.Runtime.Vm;

[JsonSerializable(typeof(VmMachine))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
internal sealed partial class VmMachineJson : JsonSerializerContext;
