using Vse.Host.FileSystem;

namespace Vse.Build.Store;

/// <summary>
/// A layer being built, under a temporary name in the store; committing renames it into place.
/// Disposing an uncommitted one deletes it.
/// </summary>
public sealed class LayerWork(string key, string directory) : IDisposable
{
    public string Key { get; } = key;

    public string Directory { get; } = directory;

    /// <summary>The layer's root filesystem.</summary>
    public string Rootfs => Path.Combine(Directory, "rootfs");

    /// <summary>Scratch space beside the tree (same filesystem, so renames work): overlay upper and work dirs.</summary>
    public string Scratch => Path.Combine(Directory, "scratch");

    internal bool Committed { get; set; }

    public void Dispose()
    {
        if (!Committed)
        {
            TreeDeleter.Delete(Directory);
        }
    }
}
