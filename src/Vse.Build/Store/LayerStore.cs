using System.Text.Json;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

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
    /// <summary>The file name of <see cref="ArchiveOf"/> in a layer's directory.</summary>
    public const string ArchiveName = "rootfs.tar";

    /// <summary>
    /// Owner only. Layers hold what their images need, device nodes and set-user-ID binaries
    /// included (made as root when the build runs as root); a world-writable <c>dev/mem</c> or a
    /// setuid-root shell in a layer must not be reachable by the host's other users.
    /// </summary>
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Readable by all: a site store (docs/install.md), whose layers every user's builds start
    /// from. Only the administrator publishes into it (<c>vse build --store</c>).
    /// </summary>
    private const UnixFileMode PublishedDirectory = PrivateDirectory
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Opens (and makes where missing) a private store: a data directory's <c>store/</c>.</summary>
    public LayerStore(string root)
        : this(root, LayerStoreAccess.Private)
    {
    }

    /// <param name="access">
    /// <see cref="LayerStoreAccess.ReadOnly"/> creates and changes nothing: a site store seen
    /// by its users, who only read it; <see cref="LayerStoreAccess.Published"/> makes
    /// <c>layers/</c> readable by all.
    /// </param>
    public LayerStore(string root, LayerStoreAccess access)
    {
        Root = root;
        Access = access;
        switch (access)
        {
            case LayerStoreAccess.Private:
                EnsurePrivateDirectory(LayersDirectory);
                break;
            case LayerStoreAccess.Published:
                EnsurePublishedDirectory(Root);
                EnsurePublishedDirectory(LayersDirectory);
                break;
            default:
                return;
        }

        EnsurePrivateDirectory(TemporaryDirectory);
        System.IO.Directory.CreateDirectory(LocksDirectory);
    }

    public string Root { get; }

    public LayerStoreAccess Access { get; }

    public string LayersDirectory => Path.Combine(Root, "layers");

    public string TemporaryDirectory => Path.Combine(Root, "tmp");

    public string LocksDirectory => Path.Combine(Root, "locks");

    /// <summary>
    /// The last state read of each Debian archive a base was keyed by (<see cref="Bases.DebianArchiveState"/>):
    /// what a build uses when the archive cannot be read, so a built base stays usable offline.
    /// </summary>
    public string ArchiveStatesDirectory => Path.Combine(Root, "archive-states");

    /// <summary>
    /// Digests of host files that bases are keyed by (the busybox binary, a <c>tar:</c> archive), remembered
    /// by their stat (<see cref="FileDigestCache"/>): a cached build hashes none of them again.
    /// </summary>
    public FileDigestCache FileDigests => new(Path.Combine(Root, "file-digests"), TemporaryDirectory);

    /// <summary>Builds remembered by their request, so a repeated build computes no layer key (<see cref="BuildMemo"/>).</summary>
    public BuildMemo BuildMemo => new(Path.Combine(Root, "build-memo"), TemporaryDirectory);

    /// <summary>The lock file that serialises work on one key across processes.</summary>
    public string LockFileFor(string key) => Path.Combine(LocksDirectory, key + ".lock");

    /// <summary>The store-wide lock: builds hold it shared, gc exclusive.</summary>
    public string StoreLockFile => Path.Combine(LocksDirectory, "store.lock");

    public string DirectoryOf(string key) => Path.Combine(LayersDirectory, key);

    public string RootfsOf(string key) => Path.Combine(DirectoryOf(key), "rootfs");

    /// <summary>
    /// A published layer's tree as a tar archive (readable by all, written by root with the layer),
    /// which ordinary users extract to build on it (<see cref="SiteLayerImport"/>).
    /// </summary>
    public string ArchiveOf(string key) => Path.Combine(DirectoryOf(key), ArchiveName);

    /// <summary>Site layers extracted for this store's user: a cache, removed by <see cref="CleanTemporaries"/> and made again when needed.</summary>
    public string ImportsDirectory => Path.Combine(Root, "imports");

    /// <summary>The user's tree of the site layer <paramref name="key"/> (<see cref="SiteLayerImport"/>).</summary>
    public string ImportOf(string key) => Path.Combine(ImportsDirectory, key, "rootfs");

    /// <summary>True when the layer is complete (its record is written before the rename that publishes it).</summary>
    public bool Contains(string key) => File.Exists(Path.Combine(DirectoryOf(key), "layer.json"));

    public LayerRecord? Get(string key)
    {
        var path = Path.Combine(DirectoryOf(key), "layer.json");
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), LayerStoreJson.Default.LayerRecord) : null;
    }

    public IEnumerable<LayerRecord> List() =>
        LayerDirectoryNames().Select(Get).OfType<LayerRecord>();

    /// <summary>
    /// The names in <c>layers/</c> that are directories of their own (a symlink there is not a
    /// layer, whatever it points to), complete or not.
    /// </summary>
    public IEnumerable<string> LayerDirectoryNames(CancellationToken cancellationToken = default) =>
        TreeWalker.Children(LayersDirectory, cancellationToken).Where(entry => entry.Status.IsDirectory).Select(entry => entry.Name);

    /// <summary>Names in <c>layers/</c> that are not directories: never made by vse, so never layers.</summary>
    public IEnumerable<string> StrayLayerNames(CancellationToken cancellationToken = default) =>
        TreeWalker.Children(LayersDirectory, cancellationToken).Where(entry => !entry.Status.IsDirectory).Select(entry => entry.Name);

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
        if (Nodes.TryGetStatus(destination) is not null)
        {
            MoveAsideAndDelete(destination, CancellationToken.None);
        }

        System.IO.Directory.Move(work.Directory, destination);
        work.Committed = true;
    }

    /// <summary>Removes a layer: renamed out of <c>layers/</c> first, so no reader ever finds half of it.</summary>
    public void Delete(string key, CancellationToken cancellationToken = default)
    {
        // lstat, not Directory.Exists: a symlink named like a layer is removed as a link.
        var directory = DirectoryOf(key);
        if (Nodes.TryGetStatus(directory) is not null)
        {
            MoveAsideAndDelete(directory, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes what interrupted builds left in <c>tmp/</c>, and the imported site layers (made
    /// again by the next build that needs one). Call only while holding the store lock exclusively.
    /// </summary>
    public int CleanTemporaries(CancellationToken cancellationToken = default)
    {
        var count = 0;
        foreach (var entry in TreeWalker.Children(TemporaryDirectory, cancellationToken))
        {
            TreeDeleter.Delete(entry.HostPath, cancellationToken);
            count++;
        }

        if (Nodes.TryGetStatus(ImportsDirectory) is { IsDirectory: true })
        {
            foreach (var entry in TreeWalker.Children(ImportsDirectory, cancellationToken))
            {
                TreeDeleter.Delete(entry.HostPath, cancellationToken);
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Bytes used by the store, counting each hard-linked file once, never following a symlink
    /// out of a layer (<see cref="TreeSize"/>).
    /// </summary>
    public long DiskUsage(CancellationToken cancellationToken = default) => TreeSize.Of(LayersDirectory, cancellationToken);

    private void MoveAsideAndDelete(string path, CancellationToken cancellationToken)
    {
        var aside = Path.Combine(TemporaryDirectory, $"deleting.{Path.GetFileName(path)}.{Guid.NewGuid():N}");

        // rename(2) moves the name itself, a symlink included (Directory.Move wants a directory).
        if (NodeOperations.Rename(path, aside) is not 0 and var errno)
        {
            throw HostError.Of(errno, "move aside", path);
        }

        TreeDeleter.Delete(aside, cancellationToken);
    }

    /// <summary>Creates <paramref name="directory"/> readable by all, and opens one this user made closed (e.g. under umask 077).</summary>
    private static void EnsurePublishedDirectory(string directory)
    {
        System.IO.Directory.CreateDirectory(directory, PublishedDirectory);
        if (Nodes.TryGetStatus(directory) is { IsDirectory: true } status
            && (status.Mode & PublishedDirectory) != PublishedDirectory
            && status.Uid == ProcessIdentity.Current.Uid)
        {
            File.SetUnixFileMode(directory, status.Mode | PublishedDirectory);
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> owner-only, and takes group and other access away from
    /// one an older vse made with the default mode, when this user owns it (a rootless store in
    /// the user's own VSE_HOME is theirs either way).
    /// </summary>
    private static void EnsurePrivateDirectory(string directory)
    {
        System.IO.Directory.CreateDirectory(directory, PrivateDirectory);
        if (Nodes.TryGetStatus(directory) is { IsDirectory: true } status
            && (status.Mode & ~PrivateDirectory & (UnixFileMode)0x1FF) != 0
            && status.Uid == ProcessIdentity.Current.Uid)
        {
            File.SetUnixFileMode(directory, status.Mode & ~(UnixFileMode)0x3F);
        }
    }
}
