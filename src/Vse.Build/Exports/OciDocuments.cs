using System.Text.Json.Nodes;

namespace Vse.Build.Exports;

/// <summary>The JSON documents of a single-layer OCI image: image config, manifest, index.</summary>
internal static class OciDocuments
{
    public const string TitleLabel = "org.opencontainers.image.title";
    public const string DescriptionDigestLabel = "io.vse.description.digest";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string Tag = "latest";

    /// <summary>What runtimes use when an image sets no PATH; without it, a bare command name in Cmd finds nothing.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public const string LayoutFileContent = """{"imageLayoutVersion":"1.0.0"}""";

    /// <param name="diffId">The digest of the layer's uncompressed tar.</param>
    /// <remarks>
    /// No <c>created</c> time: the config, and so the image's digest, is then a function of the
    /// tree and the description alone, and rebuilding an unchanged description gives the same image.
    /// </remarks>
    public static JsonObject Config(ExportedImageConfig config, string diffId) =>
        Config(config, [(diffId, "vse build")]);

    /// <param name="layers">Each layer's diff id and what made it, base first (<c>vse push</c>: one per vse layer).</param>
    public static JsonObject Config(ExportedImageConfig config, IReadOnlyList<(string DiffId, string CreatedBy)> layers)
    {
        var runtime = new JsonObject { ["Env"] = new JsonArray(Environment(config.Env).Select(v => (JsonNode?)v).ToArray()) };
        if (config.Command is { } command)
        {
            runtime["Cmd"] = new JsonArray(command.Select(argument => (JsonNode?)argument).ToArray());
        }

        if (config.WorkingDirectory is { } workingDirectory)
        {
            runtime["WorkingDir"] = workingDirectory;
        }

        runtime["Labels"] = new JsonObject
        {
            [DescriptionDigestLabel] = config.DescriptionDigest,
            [TitleLabel] = config.Name,
        };

        return new JsonObject
        {
            ["architecture"] = OciPlatform.Architecture,
            ["os"] = OciPlatform.Os,
            ["config"] = runtime,
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(layers.Select(layer => (JsonNode?)layer.DiffId).ToArray()),
            },
            ["history"] = new JsonArray(layers.Select(layer => (JsonNode?)new JsonObject
            {
                ["created_by"] = layer.CreatedBy,
                ["comment"] = $"{config.Name} {config.DescriptionDigest}",
            }).ToArray()),
        };
    }

    public static JsonObject Manifest(OciDescriptor config, params IReadOnlyList<OciDescriptor> layers) => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = OciMediaTypes.Manifest,
        ["config"] = config.ToJson(),
        ["layers"] = new JsonArray(layers.Select(layer => (JsonNode?)layer.ToJson()).ToArray()),
    };

    public static JsonObject Index(OciDescriptor manifest)
    {
        var entry = manifest.ToJson();
        entry["platform"] = new JsonObject { ["architecture"] = OciPlatform.Architecture, ["os"] = OciPlatform.Os };
        entry["annotations"] = new JsonObject { [RefNameAnnotation] = Tag };
        return new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Index,
            ["manifests"] = new JsonArray(entry),
        };
    }

    // Sorted, so the config does not depend on the order a dictionary happens to enumerate in.
    private static IEnumerable<string> Environment(IReadOnlyDictionary<string, string> env)
    {
        var withPath = env.ContainsKey("PATH")
            ? env
            : new Dictionary<string, string>(env) { ["PATH"] = DefaultPath };
        return withPath.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}");
    }
}
