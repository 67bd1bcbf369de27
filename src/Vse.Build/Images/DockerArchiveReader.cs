using System.Text.RegularExpressions;
using Vse.Build.Digests;

namespace Vse.Build.Images;

/// <summary>
/// Reads a <c>docker save</c> tarball: <c>manifest.json</c> → config and layers in order.
/// Both the classic layout (<c>ID/layer.tar</c>, config <c>HEX.json</c>) and the one of
/// Docker 25+ (<c>blobs/sha256/HEX</c>) are read. Layers are verified against the blob digest
/// when the path names one, else against the config's diff IDs.
/// </summary>
public static partial class DockerArchiveReader
{
    public const string ManifestFile = "manifest.json";

    private const string LayerMediaType = "application/vnd.docker.image.rootfs.diff.tar";

    /// <param name="repoTag">Which image to take when the tarball holds several (e.g. <c>debian:bookworm</c>).</param>
    public static async Task<ImageArchive> OpenAsync(string archivePath, string? repoTag = null, CancellationToken cancellationToken = default) =>
        await OpenOwningAsync(await TarArchiveSource.OpenAsync(archivePath, cancellationToken).ConfigureAwait(false), repoTag, cancellationToken)
            .ConfigureAwait(false);

    internal static async Task<ImageArchive> OpenOwningAsync(IArchiveFileSource source, string? repoTag, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenAsync(source, repoTag, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static async Task<ImageArchive> OpenAsync(IArchiveFileSource source, string? repoTag, CancellationToken cancellationToken)
    {
        var archive = source.ArchivePath;
        var manifest = ArchiveDocuments.Parse(
            source, await ArchiveDocuments.ReadAsync(source, ManifestFile, ManifestFile, cancellationToken).ConfigureAwait(false),
            ImageJsonContext.Default.ListDockerManifestEntryJson, ManifestFile);
        var image = Select(manifest, repoTag, archive);

        var configPath = image.Config ?? throw new InvalidImageArchiveException(archive, $"{ManifestFile} names no Config");
        var configBytes = await ArchiveDocuments.ReadAsync(source, configPath, "image config", cancellationToken).ConfigureAwait(false);
        if (DigestNamedBy(configPath) is { } namedDigest)
        {
            ArchiveDocuments.Verify(source, configPath, namedDigest, configBytes);
        }

        var config = ArchiveDocuments.Parse(source, configBytes, ImageJsonContext.Default.ImageConfigFileJson, $"image config '{configPath}'");
        var layerPaths = image.Layers ?? throw new InvalidImageArchiveException(archive, $"{ManifestFile} names no Layers");
        var diffIds = config.RootFs?.DiffIds ?? [];
        if (diffIds.Count != layerPaths.Count)
        {
            throw new InvalidImageArchiveException(
                archive, $"{ManifestFile} lists {layerPaths.Count} layers but the image config has {diffIds.Count} diff IDs");
        }

        var layers = new List<ImageLayer>(layerPaths.Count);
        for (var i = 0; i < layerPaths.Count; i++)
        {
            var path = layerPaths[i];
            var diffId = Sha256Digest.Parse(diffIds[i], archive, $"diff ID {i}");
            var size = source.LengthOf(path)
                ?? throw new InvalidImageArchiveException(archive, $"layer {i} '{path}' is missing from the archive");
            layers.Add(new ImageLayer(path, DigestNamedBy(path)?.ToString(), LayerMediaType, size, diffId.ToString()));
        }

        return new ImageArchive(source, ImageArchiveFormat.DockerArchive, ArchiveDocuments.ToImageConfig(config), ContentDigest.OfBytes(configBytes), layers);
    }

    private static DockerManifestEntryJson Select(List<DockerManifestEntryJson> images, string? repoTag, string archive)
    {
        if (images.Count == 0)
        {
            throw new InvalidImageArchiveException(archive, $"{ManifestFile} lists no image");
        }

        if (repoTag is null)
        {
            return images.Count == 1
                ? images[0]
                : throw new InvalidImageArchiveException(archive, $"the archive holds {images.Count} images; name one of: {Tags(images)}");
        }

        return images.FirstOrDefault(image => image.RepoTags?.Contains(repoTag) == true)
            ?? throw new InvalidImageArchiveException(archive, $"no image tagged '{repoTag}'; the archive has: {Tags(images)}");
    }

    private static string Tags(List<DockerManifestEntryJson> images) =>
        string.Join(", ", images.SelectMany(image => image.RepoTags ?? ["(untagged)"]));

    /// <summary>The digest a path is named after: <c>blobs/sha256/HEX</c> or <c>HEX.json</c>.</summary>
    private static Sha256Digest? DigestNamedBy(string path) =>
        DigestNamedPath().Match(path) is { Success: true } match && Sha256Digest.TryParse("sha256:" + match.Groups["hex"].Value, out var digest)
            ? digest
            : null;

    [GeneratedRegex("^(?:blobs/sha256/(?<hex>[0-9a-f]{64})|(?<hex>[0-9a-f]{64})\\.json)$")]
    private static partial Regex DigestNamedPath();
}
