using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vse.Runtime.Host;

namespace Vse.Cli.Output;

/// <summary>Source-generated serialisation of <c>vse doctor --json</c> (the CLI is published with Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(HostReport))]
internal sealed partial class DoctorJson : JsonSerializerContext
{
    private static DoctorJson? _relaxed;

    /// <summary>Writes "1.1.5+ds1" as it is, not "1.1.5\u002Bds1": the output goes to a terminal or a pipe, never into HTML.</summary>
    public static DoctorJson Relaxed => _relaxed ??= new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
