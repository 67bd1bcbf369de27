using System.Text.Json.Serialization;

namespace Vse.Build.Store;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SiteStoreVerdict))]
internal sealed partial class SiteStoreVerdictJson : JsonSerializerContext;
