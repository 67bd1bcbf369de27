using Vse.Description.Policy;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Description.Layers;

/// <summary>
/// Decides whether a file may carry site policy (DESIGN §2.3): it lies under the site directory
/// (after resolving symlinks) and the invoking user cannot change it. Beyond the letter of the
/// design, every directory between the file and the site directory must be unchangeable too,
/// since whoever can write a directory can replace the file in it. For root, "cannot change"
/// means owned by root and writable by nobody else; root of a user namespace that maps 0 to an
/// ordinary user (vse's rootless build namespace) is that user, judged by the node's owner and
/// mode as that user would be on the host (the kernel's access(2) answers for root of the namespace).
/// </summary>
public sealed class TrustEvaluator(string siteDirectory)
{
    private readonly bool _isRoot = ProcessIdentity.IsHostRoot;

    /// <summary>Root of a user namespace whose root is an ordinary user: access(2) would answer for the namespace's root.</summary>
    private readonly bool _isNamespaceRoot = ProcessIdentity.IsRoot && !ProcessIdentity.IsHostRoot;

    public string SiteDirectory { get; } = HostPaths.Canonicalize(siteDirectory);

    public bool IsTrusted(string file)
    {
        var real = HostPaths.Canonicalize(file);
        if (real == SiteDirectory || !HostPaths.IsWithin(real, SiteDirectory))
        {
            return false;
        }

        for (var path = real; path.Length >= SiteDirectory.Length; path = Path.GetDirectoryName(path) ?? "")
        {
            if (!IsUnchangeable(path))
            {
                return false;
            }

            if (path == SiteDirectory)
            {
                break;
            }
        }

        return true;
    }

    private bool IsUnchangeable(string path)
    {
        // Its owner and mode are what is judged: the resolve cache compares them (and the change time) later.
        Caching.ResolveInputs.Current?.File(path);
        if (_isNamespaceRoot)
        {
            return !HostAccess.IsWritableByNamespaceOwner(path);
        }

        if (!_isRoot)
        {
            return !HostAccess.IsWritable(path);
        }

        const UnixFileMode groupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        return Nodes.StatusOrNull(path, followSymlink: true) is { Uid: 0, Mode: var mode } && (mode & groupOrOtherWrite) == 0;
    }
}
