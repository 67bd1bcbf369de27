using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Vse.Build.Tests.Support;

/// <summary>Writes an OCI image layout by hand: blobs, manifests, configs and index.json.</summary>
internal sealed class OciLayoutBuilder
{
    public const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    public const string IndexType = "application/vnd.oci.image.index.v1+json";
    public const string LayerType = "application/vnd.oci.image.layer.v1.tar";
    public const string GzipLayerType = "application/vnd.oci.image.layer.v1.tar+gzip";

    public OciLayoutBuilder(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
    }

    public string Directory { get; }

    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public string BlobPath(string digest) => Path.Combine(Directory, "blobs", "sha256", digest["sha256:".Length..]);

    /// <returns>A descriptor of the blob.</returns>
    public JsonObject AddBlob(byte[] content, string mediaType)
    {
        var digest = DigestOf(content);
        File.WriteAllBytes(BlobPath(digest), content);
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = content.Length };
    }

    public JsonObject AddJsonBlob(JsonNode document, string mediaType) =>
        AddBlob(Encoding.UTF8.GetBytes(document.ToJsonString()), mediaType);

    /// <param name="layers">Each layer's tar, and whether to store it gzip-compressed.</param>
    /// <returns>The manifest's descriptor.</returns>
    public JsonObject AddImage(IReadOnlyList<(byte[] Tar, bool Gzip)> layers, JsonObject? runtimeConfig = null, string architecture = "amd64")
    {
        var config = new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = runtimeConfig ?? new JsonObject(),
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(layers.Select(layer => (JsonNode)DigestOf(layer.Tar)).ToArray()),
            },
        };
        var layerDescriptors = layers
            .Select(layer => (JsonNode)(layer.Gzip ? AddBlob(TarBuilder.Gzip(layer.Tar), GzipLayerType) : AddBlob(layer.Tar, LayerType)))
            .ToArray();
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = AddJsonBlob(config, "application/vnd.oci.image.config.v1+json"),
            ["layers"] = new JsonArray(layerDescriptors),
        };
        return AddJsonBlob(manifest, ManifestType);
    }

    public static JsonObject WithPlatform(JsonObject descriptor, string os, string architecture, string? variant = null)
    {
        var platform = new JsonObject { ["os"] = os, ["architecture"] = architecture };
        if (variant is not null)
        {
            platform["variant"] = variant;
        }

        descriptor["platform"] = platform;
        return descriptor;
    }

    public static JsonObject WithRefName(JsonObject descriptor, string name)
    {
        descriptor["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = name };
        return descriptor;
    }

    public static JsonObject Index(params JsonObject[] manifests) => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = IndexType,
        ["manifests"] = new JsonArray(manifests.Select(m => (JsonNode)m.DeepClone()).ToArray()),
    };

    public void WriteIndex(params JsonObject[] manifests) =>
        File.WriteAllText(Path.Combine(Directory, "index.json"), Index(manifests).ToJsonString());

    /// <summary>Packs the layout as a tar file, as <c>oci-archive:</c> expects.</summary>
    public string PackAsTar(string tarPath, bool gzip = false)
    {
        var tar = new TarBuilder();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            tar.File(Path.GetRelativePath(Directory, file), File.ReadAllBytes(file));
        }

        File.WriteAllBytes(tarPath, gzip ? tar.ToGzip() : tar.ToArray());
        return tarPath;
    }
}
