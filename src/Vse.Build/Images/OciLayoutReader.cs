namespace Vse.Build.Images;

/// <summary>
/// Reads an OCI image layout (image-spec image-layout.md): <c>index.json</c> → manifest (through
/// nested indexes, choosing by platform) → config and layers. Every blob read is checked
/// against its digest.
/// </summary>
public static class OciLayoutReader
{
    public const string LayoutFile = "oci-layout";
    public const string IndexFile = "index.json";

    /// <summary>Nested indexes deeper than this are not a real image.</summary>
    private const int MaxIndexDepth = 4;

    /// <param name="platform">Which image to take from a multi-platform index; linux/amd64 by default.</param>
    /// <param name="reference">Which image to take when the layout holds several (its ref name or tag).</param>
    public static Task<ImageArchive> OpenDirectoryAsync(
        string layoutDirectory, ImagePlatform? platform = null, string? reference = null, CancellationToken cancellationToken = default) =>
        OpenOwningAsync(new DirectoryArchiveSource(layoutDirectory), ImageArchiveFormat.OciLayout, platform, reference, cancellationToken);

    /// <summary>Reads an OCI layout packed as a tar file (plain or gzip).</summary>
    /// <inheritdoc cref="OpenDirectoryAsync"/>
    public static async Task<ImageArchive> OpenTarAsync(
        string archivePath, ImagePlatform? platform = null, string? reference = null, CancellationToken cancellationToken = default) =>
        await OpenOwningAsync(
            await TarArchiveSource.OpenAsync(archivePath, cancellationToken).ConfigureAwait(false),
            ImageArchiveFormat.OciArchive, platform, reference, cancellationToken).ConfigureAwait(false);

    internal static async Task<ImageArchive> OpenOwningAsync(
        IArchiveFileSource source, ImageArchiveFormat format, ImagePlatform? platform, string? reference, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenAsync(source, format, platform ?? ImagePlatform.LinuxAmd64, reference, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static async Task<ImageArchive> OpenAsync(
        IArchiveFileSource source, ImageArchiveFormat format, ImagePlatform platform, string? reference, CancellationToken cancellationToken)
    {
        var context = ImageJsonContext.Default;
        var archive = source.ArchivePath;
        if (!source.Exists(LayoutFile))
        {
            throw new InvalidImageArchiveException(archive, $"not an OCI image layout: '{LayoutFile}' is missing");
        }

        var layout = ArchiveDocuments.Parse(
            source, await ArchiveDocuments.ReadAsync(source, LayoutFile, LayoutFile, cancellationToken).ConfigureAwait(false),
            context.OciLayoutJson, LayoutFile);
        if (layout.ImageLayoutVersion is null || !layout.ImageLayoutVersion.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new InvalidImageArchiveException(archive, $"unsupported image layout version '{layout.ImageLayoutVersion}'");
        }

        // index.json is the layout's entry point and the one document not named by a digest.
        var index = ArchiveDocuments.Parse(
            source, await ArchiveDocuments.ReadAsync(source, IndexFile, IndexFile, cancellationToken).ConfigureAwait(false),
            context.OciManifestOrIndexJson, IndexFile);
        var descriptor = OciManifestSelector.Select(index.Manifests, platform, reference, archive, IndexFile);
        for (var depth = 0; ; depth++)
        {
            var digest = Sha256Digest.Parse(descriptor.Digest, archive, "a manifest");
            var document = ArchiveDocuments.Parse(
                source, await ArchiveDocuments.ReadVerifiedAsync(source, digest, descriptor.Size, "manifest", cancellationToken).ConfigureAwait(false),
                context.OciManifestOrIndexJson, $"manifest {digest}");
            if (document.Manifests is null)
            {
                return await ReadImageAsync(source, format, document, digest, cancellationToken).ConfigureAwait(false);
            }

            if (depth == MaxIndexDepth)
            {
                throw new InvalidImageArchiveException(archive, $"indexes nested more than {MaxIndexDepth} deep");
            }

            descriptor = OciManifestSelector.Select(document.Manifests, platform, reference: null, archive, $"index {digest}");
        }
    }

    private static async Task<ImageArchive> ReadImageAsync(
        IArchiveFileSource source, ImageArchiveFormat format, OciManifestOrIndexJson manifest, Sha256Digest manifestDigest, CancellationToken cancellationToken)
    {
        var archive = source.ArchivePath;
        var configDescriptor = manifest.Config
            ?? throw new InvalidImageArchiveException(archive, $"manifest {manifestDigest} has no config");
        var configDigest = Sha256Digest.Parse(configDescriptor.Digest, archive, "the image config");
        var config = ArchiveDocuments.Parse(
            source, await ArchiveDocuments.ReadVerifiedAsync(source, configDigest, configDescriptor.Size, "image config", cancellationToken).ConfigureAwait(false),
            ImageJsonContext.Default.ImageConfigFileJson, $"image config {configDigest}");
        var descriptors = manifest.Layers
            ?? throw new InvalidImageArchiveException(archive, $"manifest {manifestDigest} has no layers list");
        var diffIds = config.RootFs?.DiffIds;
        var layers = new List<ImageLayer>(descriptors.Count);
        for (var i = 0; i < descriptors.Count; i++)
        {
            var digest = Sha256Digest.Parse(descriptors[i].Digest, archive, $"layer {i}");
            var size = source.LengthOf(digest.BlobPath)
                ?? throw new InvalidImageArchiveException(archive, $"layer {i} ({digest}) is missing from the archive");
            if (descriptors[i].Size is { } declared && declared != size)
            {
                throw new InvalidImageArchiveException(archive, $"layer {i} ({digest}) is {size} bytes, its descriptor says {declared}");
            }

            layers.Add(new ImageLayer(
                digest.BlobPath, digest.ToString(), descriptors[i].MediaType ?? "", size,
                diffIds is not null && diffIds.Count == descriptors.Count ? diffIds[i] : null));
        }

        return new ImageArchive(source, format, ArchiveDocuments.ToImageConfig(config), configDigest.ToString(), layers);
    }
}
