using System.Text.RegularExpressions;
using Vse.Build.Exports;
using Vse.Description.Model;
using Vse.Host.FileSystem;

namespace Vse.Build.Registry;

/// <summary>
/// <c>vse push</c>: a configuration's layers as an OCI image, one OCI layer per vse layer (what
/// the layer changed over the one below, with whiteouts for what it removed), written as an OCI
/// layout and copied to the registry by skopeo. A layer's blob is a function of its tree, so a
/// layer pushed once is found by digest and not sent again: after a one-step change, only that
/// layer and those above it travel.
/// </summary>
public static partial class RegistryPusher
{
    private const string LayoutTag = OciDocuments.Tag;

    /// <param name="layers">Base first, as the configuration lists them.</param>
    /// <param name="cache">Where each layer's blob is found, or kept once made (the store's).</param>
    /// <param name="workDirectory">An empty directory for the layout; the caller removes it.</param>
    /// <param name="progress">Told one line per stage and per blob.</param>
    public static async Task<PushResult> PushAsync(
        IReadOnlyList<PushedLayer> layers, ExportedImageConfig config, RegistryReference destination, bool? verifyTls,
        LayerBlobCache cache, string workDirectory, Action<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(layers.Count);
        var blobs = Path.Combine(workDirectory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var descriptors = new List<OciDescriptor>();
        var history = new List<(string DiffId, string CreatedBy)>();
        PushedLayer? parent = null;
        foreach (var (layer, index) in layers.Select((layer, index) => (layer, index)))
        {
            var found = cache.Find(layer.Key, parent?.Key, cancellationToken);
            var (blob, cachedPath) = found ?? await WriteBlobAsync(layer, parent, cache, workDirectory, index, cancellationToken);
            var hex = blob.Digest["sha256:".Length..];

            // Linked, not copied: the layout is read once by skopeo and removed. Two layers that
            // changed nothing share one blob.
            if (NodeOperations.HardLink(cachedPath, Path.Combine(blobs, hex)) is not (0 or HostError.AlreadyExists) and var errno)
            {
                throw HostError.Of(errno, "link the cached blob into the push layout", cachedPath);
            }

            descriptors.Add(new OciDescriptor(OciMediaTypes.GzipLayer, blob.Digest, blob.Size));
            history.Add((blob.DiffId, layer.Title));
            progress?.Invoke($"layer {index + 1}/{layers.Count} {blob.Digest[..19]} {layer.Title}: {blob.Changed} changed, {blob.Removed} removed, {blob.Size} bytes{(found is null ? "" : " (cached)")}");
            parent = layer;
        }

        var configBlob = await OciExport.WriteJsonBlobAsync(blobs, OciDocuments.Config(config, history), OciMediaTypes.Config, cancellationToken);
        var manifest = await OciExport.WriteJsonBlobAsync(blobs, OciDocuments.Manifest(configBlob, descriptors), OciMediaTypes.Manifest, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(workDirectory, "index.json"), OciDocuments.Index(manifest).ToJsonString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(workDirectory, "oci-layout"), OciDocuments.LayoutFileContent, cancellationToken);

        var present = new HashSet<string>(StringComparer.Ordinal);
        var digest = await new Skopeo(verifyTls).PushAsync(workDirectory, LayoutTag, destination, line =>
        {
            if (SkippedBlob().Match(line) is { Success: true } skipped)
            {
                present.Add("sha256:" + skipped.Groups["hex"].Value);
                progress?.Invoke($"{skipped.Groups["hex"].Value[..12]} already there, not sent");
            }
            else if (!line.Contains("level=debug", StringComparison.Ordinal))
            {
                progress?.Invoke(line);
            }
        }, cancellationToken);

        var sent = descriptors.DistinctBy(d => d.Digest).Where(d => !present.Contains(d.Digest)).ToList();
        return new PushResult(digest, descriptors.Count, sent.Count, sent.Sum(d => d.Size), descriptors.Sum(d => d.Size));
    }

    /// <summary>Writes the layer's diff over <paramref name="parent"/> as a gzipped tar and adds it to the cache.</summary>
    private static async Task<(LayerBlob Blob, string Path)> WriteBlobAsync(
        PushedLayer layer, PushedLayer? parent, LayerBlobCache cache, string workDirectory, int index, CancellationToken cancellationToken)
    {
        var diff = LayerDiff.Between(parent?.Rootfs, layer.Rootfs, cancellationToken);
        var layerWork = Path.Combine(workDirectory, "layer-" + index);
        Directory.CreateDirectory(layerWork);
        var tar = Path.Combine(layerWork, "layer.tar");
        await DiffLayerWriter.WriteAsync(diff, layer.Rootfs, tar, layerWork, cancellationToken);
        var (diffId, descriptor) = await OciExport.CompressLayerAsync(tar, layerWork, cancellationToken);
        var blob = new LayerBlob(diffId, descriptor.Digest, descriptor.Size, diff.Changed.Count, diff.Removed.Count);
        var cached = cache.Add(layer.Key, parent?.Key, blob, Path.Combine(layerWork, descriptor.Digest["sha256:".Length..]), cancellationToken);
        TreeDeleter.Delete(layerWork, cancellationToken);
        return (blob, cached);
    }

    /// <summary>skopeo's debug line for a blob the registry already had: <c>Skipping blob sha256:HEX (already present)</c>.</summary>
    [GeneratedRegex(@"Skipping blob sha256:(?<hex>[0-9a-f]{64}) \(already present\)")]
    private static partial Regex SkippedBlob();
}
