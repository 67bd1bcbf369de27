using System.Text.Json;
using Vse.Build.FileSystem;

namespace Vse.Build.Store;

/// <summary>
/// Content-addressed layers on disk: <c>layers/KEY/rootfs</c> (a complete root filesystem) and
/// <c>layers/KEY/layer.json</c>. A layer is built under <c>tmp/</c> and renamed into place in
/// one step, so a crash never leaves a half layer under a real name; whatever a crash leaves
/// in <c>tmp/</c> is removed by <see cref="CleanTemporaries"/>. Layers are immutable once
/// committed: their files are shared by hard links with the layers above them.
/// </summary>
public sealed class LayerStore
{
    public LayerStore(string root)
    {
        Root = root;
        System.IO.Directory.CreateDirectory(LayersDirectory);
        System.IO.Directory.CreateDirectory(TemporaryDirectory);
        System.IO.Directory.CreateDirectory(LocksDirectory);
    }

    public string Root { get; }

    public string LayersDirectory => Path.Combine(Root, "layers");

    public string TemporaryDirectory => Path.Combine(Root, "tmp");

    public string LocksDirectory => Path.Combine(Root, "locks");

    /// <summary>The lock file that serialises work on one key across processes.</summary>
    public string LockFileFor(string key) => Path.Combine(LocksDirectory, key + ".lock");

    /// <summary>The store-wide lock: builds hold it shared, gc exclusive.</summary>
    public string StoreLockFile => Path.Combine(LocksDirectory, "store.lock");

    public string DirectoryOf(string key) => Path.Combine(LayersDirectory, key);

    public string RootfsOf(string key) => Path.Combine(DirectoryOf(key), "rootfs");

    /// <summary>True when the layer is complete (its record is written before the rename that publishes it).</summary>
    public bool Contains(string key) => File.Exists(Path.Combine(DirectoryOf(key), "layer.json"));

    public LayerRecord? Get(string key)
    {
        var path = Path.Combine(DirectoryOf(key), "layer.json");
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), LayerStoreJson.Default.LayerRecord) : null;
    }

    public IEnumerable<LayerRecord> List() =>
        System.IO.Directory.EnumerateDirectories(LayersDirectory)
            .Select(d => Get(Path.GetFileName(d)))
            .OfType<LayerRecord>();

    public LayerWork Begin(string key)
    {
        var directory = Path.Combine(TemporaryDirectory, $"{key}.{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var work = new LayerWork(key, directory);
        System.IO.Directory.CreateDirectory(work.Rootfs);
        return work;
    }

    /// <summary>Publishes a built layer, replacing an older one under the same key (a <c>--no-cache</c> rebuild).</summary>
    public void Commit(LayerWork work, LayerRecord record)
    {
        TreeDeleter.Delete(work.Scratch);
        File.WriteAllText(Path.Combine(work.Directory, "layer.json"), JsonSerializer.Serialize(record, LayerStoreJson.Default.LayerRecord));
        var destination = DirectoryOf(work.Key);
        if (System.IO.Directory.Exists(destination))
        {
            MoveAsideAndDelete(destination);
        }

        System.IO.Directory.Move(work.Directory, destination);
        work.Committed = true;
    }

    /// <summary>Removes a layer: renamed out of <c>layers/</c> first, so no reader ever finds half of it.</summary>
    public void Delete(string key)
    {
        var directory = DirectoryOf(key);
        if (System.IO.Directory.Exists(directory))
        {
            MoveAsideAndDelete(directory);
        }
    }

    /// <summary>Deletes what interrupted builds left in <c>tmp/</c>. Call only while holding the store lock exclusively.</summary>
    public int CleanTemporaries()
    {
        var count = 0;
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(TemporaryDirectory).ToList())
        {
            TreeDeleter.Delete(entry);
            count++;
        }

        return count;
    }

    /// <summary>Bytes used by the store, counting each hard-linked file once.</summary>
    public long DiskUsage() => TreeSize.Of(LayersDirectory);

    private void MoveAsideAndDelete(string directory)
    {
        var aside = Path.Combine(TemporaryDirectory, $"deleting.{Path.GetFileName(directory)}.{Guid.NewGuid():N}");
        System.IO.Directory.Move(directory, aside);
        TreeDeleter.Delete(aside);
    }
}
