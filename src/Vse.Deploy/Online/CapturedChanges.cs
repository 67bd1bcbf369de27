using Vse.Host.FileSystem;

namespace Vse.Deploy.Online;

/// <summary>
/// Cleans what an instance's upper directory holds of the runtime rather than of the step: the
/// mount points the OCI runtime created in the root for its own mounts (<c>/proc</c>, <c>/sys</c>,
/// <c>/etc/hosts</c> of a private network...) where the parent layer had none. Those are empty
/// directories and files; anything the step wrote there is content and stays.
/// </summary>
internal static class CapturedChanges
{
    /// <param name="upper">The instance's overlay upper directory.</param>
    /// <param name="parentRootfs">The layer below: a mount point it already had is no change.</param>
    /// <param name="mountDestinations">Where the instance's mounts went (its OCI spec's <c>mounts[].destination</c>).</param>
    public static void RemoveRuntimeMountPoints(string upper, string parentRootfs, IEnumerable<string> mountDestinations)
    {
        var destinations = mountDestinations.Where(d => d.StartsWith('/') && !d.Split('/').Contains("..")).OrderByDescending(d => d.Length);
        foreach (var destination in destinations)
        {
            // Deepest first, then up the path while the runtime's directories are empty and new.
            for (var path = destination.TrimEnd('/'); path.Length > 0 && path != "/"; path = Path.GetDirectoryName(path) ?? "/")
            {
                var relative = path.TrimStart('/');
                var inUpper = Path.Combine(upper, relative);
                if (Nodes.TryGetStatus(Path.Combine(parentRootfs, relative)) is not null || !NoLinkAbove(upper, relative)
                    || Nodes.TryGetStatus(inUpper) is not { } status)
                {
                    break;
                }

                if (status.Type == NodeType.Directory && !Directory.EnumerateFileSystemEntries(inUpper).Any())
                {
                    Directory.Delete(inUpper);
                }
                else if (status.Type == NodeType.RegularFile && status.Size == 0)
                {
                    File.Delete(inUpper);
                }
                else
                {
                    break;
                }
            }
        }
    }

    /// <summary>Whether every directory between <paramref name="upper"/> and the node is a real one: a link the step left would lead out of the upper directory.</summary>
    private static bool NoLinkAbove(string upper, string relative)
    {
        var path = upper;
        foreach (var part in relative.Split('/')[..^1])
        {
            path = Path.Combine(path, part);
            if (Nodes.TryGetStatus(path) is not { IsDirectory: true })
            {
                return false;
            }
        }

        return true;
    }
}
