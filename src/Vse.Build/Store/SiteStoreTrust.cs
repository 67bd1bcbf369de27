using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Build.Store;

/// <summary>One node on the way from <c>/</c> to a site layer, as the trust rule sees it.</summary>
/// <param name="Status">Its <c>lstat</c>, or null when it cannot be read.</param>
/// <param name="WritableByCaller">Whether the invoking user may write it (access(2), which sees ACLs too); false for root, who may write anything.</param>
public sealed record SiteStoreNode(string Path, NodeStatus? Status, bool WritableByCaller);

/// <summary>
/// Whether layers in a site store may be reused as they are (docs/install.md). A user's build
/// that starts from a site layer trusts every file in it, so the rule is the one for site
/// policy files (<c>TrustEvaluator</c>), made stricter: every directory from <c>/</c> down to
/// the store, its <c>layers/</c> and each layer's directory, tree and record is owned by root,
/// writable by neither group nor others, not a symbolic link, and not writable by the caller.
/// Whoever can write any of them can replace a layer, and with it what every user's image holds.
/// </summary>
public static class SiteStoreTrust
{
    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <returns>Null when every node passes; else why the first one that does not fails.</returns>
    public static string? Refusal(IEnumerable<SiteStoreNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        foreach (var node in nodes)
        {
            var reason = node switch
            {
                { Status: null } => "cannot be read",
                { Status.IsSymlink: true } => "is a symbolic link",
                { Status.Uid: not 0 and var uid } => $"is owned by uid {uid}, not root",
                { Status.Mode: var mode } when (mode & GroupOrOtherWrite) != 0 => $"is writable by its group or others (mode {Octal(mode)})",
                { WritableByCaller: true } => "is writable by you",
                _ => null,
            };
            if (reason is not null)
            {
                return $"{node.Path} {reason}";
            }
        }

        return null;
    }

    /// <summary>The store's own nodes: every directory from <c>/</c> to <paramref name="storeRoot"/> (symlinks resolved first), and its <c>layers/</c>.</summary>
    public static string? RefusalOfStore(string storeRoot)
    {
        var real = RealPath.Of(storeRoot) ?? Path.GetFullPath(storeRoot);
        var paths = new List<string>();
        for (var path = real; path is not null; path = Path.GetDirectoryName(path))
        {
            paths.Add(path);
        }

        paths.Reverse();
        paths.Add(Path.Combine(real, "layers"));
        return Refusal(paths.Select(NodeOf));
    }

    /// <summary>One layer's nodes: its directory, its <c>rootfs/</c>, its <c>layer.json</c> and, where there is one, its archive (users build from it).</summary>
    public static string? RefusalOfLayer(LayerStore store, string key)
    {
        ArgumentNullException.ThrowIfNull(store);
        var directory = store.DirectoryOf(key);
        string[] paths = [directory, store.RootfsOf(key), Path.Combine(directory, "layer.json")];
        var archive = store.ArchiveOf(key);
        return Refusal((Nodes.StatusOrNull(archive, followSymlink: false) is null ? paths : [.. paths, archive]).Select(NodeOf));
    }

    private static SiteStoreNode NodeOf(string path) =>
        new(path, Nodes.StatusOrNull(path, followSymlink: false), !ProcessIdentity.IsRoot && HostAccess.IsWritable(path));

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
