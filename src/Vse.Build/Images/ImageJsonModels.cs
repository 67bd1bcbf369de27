using System.Text.Json.Serialization;

namespace Vse.Build.Images;

// The JSON documents of OCI image layouts and docker-archives, as read. Every property is
// nullable: the documents are untrusted, and the readers report what is missing by name.

/// <summary>An OCI descriptor: a typed, sized, digested reference to a blob.</summary>
internal sealed class OciDescriptorJson
{
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("digest")]
    public string? Digest { get; init; }

    [JsonPropertyName("size")]
    public long? Size { get; init; }

    [JsonPropertyName("platform")]
    public OciPlatformJson? Platform { get; init; }

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; init; }
}

internal sealed class OciPlatformJson
{
    [JsonPropertyName("os")]
    public string? Os { get; init; }

    [JsonPropertyName("architecture")]
    public string? Architecture { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }
}

/// <summary>Either an image index (<c>manifests</c>) or an image manifest (<c>config</c>, <c>layers</c>).</summary>
internal sealed class OciManifestOrIndexJson
{
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("manifests")]
    public List<OciDescriptorJson>? Manifests { get; init; }

    [JsonPropertyName("config")]
    public OciDescriptorJson? Config { get; init; }

    [JsonPropertyName("layers")]
    public List<OciDescriptorJson>? Layers { get; init; }
}

internal sealed class OciLayoutJson
{
    [JsonPropertyName("imageLayoutVersion")]
    public string? ImageLayoutVersion { get; init; }
}

/// <summary>The image configuration blob (OCI image-spec config.md; docker uses the same).</summary>
internal sealed class ImageConfigFileJson
{
    [JsonPropertyName("os")]
    public string? Os { get; init; }

    [JsonPropertyName("architecture")]
    public string? Architecture { get; init; }

    [JsonPropertyName("config")]
    public ImageRuntimeConfigJson? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public ImageRootFsJson? RootFs { get; init; }
}

internal sealed class ImageRuntimeConfigJson
{
    [JsonPropertyName("Env")]
    public List<string>? Env { get; init; }

    [JsonPropertyName("Entrypoint")]
    public List<string>? Entrypoint { get; init; }

    [JsonPropertyName("Cmd")]
    public List<string>? Cmd { get; init; }

    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("User")]
    public string? User { get; init; }
}

internal sealed class ImageRootFsJson
{
    [JsonPropertyName("diff_ids")]
    public List<string>? DiffIds { get; init; }
}

/// <summary>One image of a docker-archive's manifest.json.</summary>
internal sealed class DockerManifestEntryJson
{
    [JsonPropertyName("Config")]
    public string? Config { get; init; }

    [JsonPropertyName("RepoTags")]
    public List<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")]
    public List<string>? Layers { get; init; }
}

[JsonSerializable(typeof(OciManifestOrIndexJson))]
[JsonSerializable(typeof(OciLayoutJson))]
[JsonSerializable(typeof(ImageConfigFileJson))]
[JsonSerializable(typeof(List<DockerManifestEntryJson>))]
internal sealed partial class ImageJsonContext : JsonSerializerContext;
