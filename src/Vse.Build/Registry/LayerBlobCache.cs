using System.Text.Json;
using System.Text.RegularExpressions;
using Vse.Build.Store;
using Vse.Host.FileSystem;

namespace Vse.Build.Registry;

/// <summary>
/// The gzipped diff blob of every layer pushed, kept in the store (<c>layer-blobs/KEY.PARENT/</c>:
/// <c>blob.json</c> and the blob itself), so that pushing a layer again only asks the registry
/// whether it has the digest and sends the same bytes if not, instead of walking both trees,
/// writing the tar and gzipping it again. A layer's tree never changes after it is committed and
/// its key names its content, so the blob of (key, parent key) is always the same bytes. An entry
/// is written under the store's <c>tmp/</c> and renamed into place in one step: a killed push
/// leaves no half entry, and two pushes of one layer at once each find a whole one.
/// <see cref="Collect"/> (<c>vse gc</c>) removes the entries of layers no longer in the store.
/// </summary>
public sealed partial class LayerBlobCache(LayerStore store)
{
    private const string BlobFileName = "layer.tar.gz";
    private const string RecordFileName = "blob.json";

    /// <summary>Written in place of the parent key for a base layer (one with nothing below it).</summary>
    private const string NoParent = "base";

    public string Directory => Path.Combine(store.Root, "layer-blobs");

    /// <summary>The blob of <paramref name="key"/> over <paramref name="parent"/> (null: the layer is a base), or null when not cached.</summary>
    public (LayerBlob Blob, string Path)? Find(string key, string? parent, CancellationToken cancellationToken)
    {
        var entry = EntryOf(key, parent);
        var record = Path.Combine(entry, RecordFileName);
        var blobPath = Path.Combine(entry, BlobFileName);
        if (!File.Exists(record) || Nodes.TryGetStatus(blobPath) is not { Type: NodeType.RegularFile } status)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var blob = JsonSerializer.Deserialize(File.ReadAllText(record), LayerBlobJson.Default.LayerBlob);

        // A blob of another size is not this entry's (a disk that lost a write): made again by the caller.
        return blob is not null && blob.Size == status.Size ? (blob, blobPath) : null;
    }

    /// <summary>
    /// Moves the blob file <paramref name="blobPath"/> (in the store's file system) into the cache
    /// as the blob of <paramref name="key"/> over <paramref name="parent"/>; returns its new path.
    /// A whole entry already there (another push made it meanwhile) is kept: it holds the same bytes;
    /// a broken one is replaced.
    /// </summary>
    public string Add(string key, string? parent, LayerBlob blob, string blobPath, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var staging = Path.Combine(store.TemporaryDirectory, $"layer-blob.{key}.{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(staging);
        try
        {
            File.Move(blobPath, Path.Combine(staging, BlobFileName));
            File.WriteAllText(Path.Combine(staging, RecordFileName), JsonSerializer.Serialize(blob, LayerBlobJson.Default.LayerBlob));
            cancellationToken.ThrowIfCancellationRequested();
            var entry = EntryOf(key, parent);
            if (Nodes.TryGetStatus(entry) is not null && Find(key, parent, cancellationToken) is null)
            {
                // A broken entry (the one Find refused, so this blob was made again) is replaced, never linked.
                var aside = Path.Combine(store.TemporaryDirectory, $"layer-blob.broken.{Guid.NewGuid():N}");
                if (NodeOperations.Rename(entry, aside) is 0)
                {
                    TreeDeleter.Delete(aside, cancellationToken);
                }
            }

            if (Nodes.TryGetStatus(entry) is null)
            {
                // rename(2) of a directory onto an existing one that is not empty fails: the first push wins.
                _ = NodeOperations.Rename(staging, entry);
            }

            return Path.Combine(entry, BlobFileName);
        }
        finally
        {
            if (Nodes.TryGetStatus(staging) is not null)
            {
                TreeDeleter.Delete(staging, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Removes the entries whose layer or parent layer <paramref name="isLayer"/> says is gone (and
    /// anything else there, which vse did not make). Call only while holding the store lock exclusively.
    /// </summary>
    /// <returns>The entries removed and the bytes they held.</returns>
    public (int Entries, long Bytes) Collect(Func<string, bool> isLayer, CancellationToken cancellationToken)
    {
        if (Nodes.TryGetStatus(Directory) is not { IsDirectory: true })
        {
            return (0, 0);
        }

        var entries = 0;
        long bytes = 0;
        foreach (var entry in TreeWalker.Children(Directory, cancellationToken).ToList())
        {
            if (entry.Status.IsDirectory && EntryName().Match(entry.Name) is { Success: true } name
                && isLayer(name.Groups["key"].Value) && (name.Groups["parent"].Value == NoParent || isLayer(name.Groups["parent"].Value)))
            {
                continue;
            }

            // A link is removed as a name, never followed.
            bytes += entry.Status.IsDirectory ? TreeSize.Of(entry.HostPath, cancellationToken) : 0;
            TreeDeleter.Delete(entry.HostPath, cancellationToken);
            entries++;
        }

        return (entries, bytes);
    }

    private string EntryOf(string key, string? parent)
    {
        if (!EntryName().IsMatch($"{key}.{parent ?? NoParent}"))
        {
            throw new ArgumentException($"not a layer key: '{key}' over '{parent}'", nameof(key));
        }

        return Path.Combine(Directory, $"{key}.{parent ?? NoParent}");
    }

    [GeneratedRegex("^(?<key>[0-9a-f]{64})\\.(?<parent>[0-9a-f]{64}|base)$")]
    private static partial Regex EntryName();
}
