using Vse.Build.Archives;
using Vse.Build.Digests;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Images;

/// <summary>
/// An opened image archive: its configuration and its layers, base first. Layers are verified
/// against their digests each time they are opened, before any byte reaches an image.
/// Dispose it to release the archive (and the unpacked copy of a gzip archive).
/// </summary>
public sealed class ImageArchive : IDisposable
{
    private readonly IArchiveFileSource source;

    internal ImageArchive(IArchiveFileSource source, ImageArchiveFormat format, ImageConfig config, string configDigest, IReadOnlyList<ImageLayer> layers)
    {
        this.source = source;
        Format = format;
        Config = config;
        ConfigDigest = configDigest;
        Layers = layers;
    }

    /// <summary>The archive's host path.</summary>
    public string SourcePath => source.ArchivePath;

    public ImageArchiveFormat Format { get; }

    public ImageConfig Config { get; }

    /// <summary><c>sha256:HEX</c> of the configuration blob: the image's identity.</summary>
    public string ConfigDigest { get; }

    public IReadOnlyList<ImageLayer> Layers { get; }

    /// <summary>
    /// Checks the layer's digest (the blob's, or the uncompressed tar's diff ID when the archive
    /// names only that), then opens it for <see cref="ArchiveImporter"/>.
    /// </summary>
    /// <exception cref="DigestMismatchException">The layer is not what its digest says.</exception>
    public async Task<Stream> OpenLayerAsync(ImageLayer layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (!Layers.Contains(layer))
        {
            throw new ArgumentException($"layer '{layer.Path}' is not a layer of this image", nameof(layer));
        }

        if (layer.Digest is not null)
        {
            await VerifyAsync(layer.Path, layer.Digest, decompress: false, cancellationToken).ConfigureAwait(false);
        }
        else if (layer.DiffId is not null)
        {
            await VerifyAsync(layer.Path, layer.DiffId, decompress: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new InvalidImageArchiveException(SourcePath, $"layer '{layer.Path}' has no digest to verify it against");
        }

        return source.OpenRead(layer.Path);
    }

    /// <summary>Applies every layer, base first, onto <paramref name="root"/>.</summary>
    /// <returns>One result per layer, in order.</returns>
    public async Task<IReadOnlyList<ArchiveImportResult>> ExtractToAsync(ImageRoot root, CancellationToken cancellationToken = default)
    {
        var results = new List<ArchiveImportResult>(Layers.Count);
        foreach (var layer in Layers)
        {
            var stream = await OpenLayerAsync(layer, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                results.Add(await ArchiveImporter.ApplyAsync(root, stream, cancellationToken).ConfigureAwait(false));
            }
        }

        return results;
    }

    public void Dispose() => source.Dispose();

    private async Task VerifyAsync(string path, string expected, bool decompress, CancellationToken cancellationToken)
    {
        var raw = source.OpenRead(path);
        await using (raw.ConfigureAwait(false))
        {
            string actual;
            if (decompress)
            {
                var content = await ArchiveCompression.OpenDecompressedAsync(raw, cancellationToken).ConfigureAwait(false);
                await using (content.ConfigureAwait(false))
                {
                    actual = await ContentDigest.OfStreamAsync(content, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                actual = await ContentDigest.OfStreamAsync(raw, cancellationToken).ConfigureAwait(false);
            }

            if (actual != expected)
            {
                throw new DigestMismatchException(SourcePath, path, expected, actual);
            }
        }
    }
}
