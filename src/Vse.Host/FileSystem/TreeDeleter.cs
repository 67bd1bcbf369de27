namespace Vse.Host.FileSystem;

/// <summary>
/// Recursive removal that never follows a symlink (a link is removed as a name) and never
/// deletes through a mount point: a directory on another file system inside the tree stops
/// the removal with an error, as <c>rm --one-file-system</c> would, rather than emptying
/// whatever is mounted there. A node that is gone when its turn comes counts as deleted: another
/// deleter of the same tree (two emptiers of <see cref="DiscardedTrees"/>) got there first, and
/// what both want, no tree, is then true.
/// </summary>
public static class TreeDeleter
{
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <returns>False when nothing was there.</returns>
    public static bool Delete(string hostPath, CancellationToken cancellationToken = default)
    {
        var status = Nodes.TryGetStatus(hostPath);
        if (status is null)
        {
            return false;
        }

        DeleteNode(hostPath, status, cancellationToken);
        return true;
    }

    private static void DeleteContents(string directoryHostPath, NodeStatus status, CancellationToken cancellationToken)
    {
        MakeModifiable(directoryHostPath, status);
        foreach (var entry in TreeWalker.Children(directoryHostPath, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.IsMountPoint)
            {
                throw new IOException($"'{entry.HostPath}' is a mount point (another file system); not deleting through it");
            }

            DeleteNode(entry.HostPath, entry.Status, cancellationToken);
        }
    }

    private static void DeleteNode(string hostPath, NodeStatus status, CancellationToken cancellationToken)
    {
        try
        {
            if (status.IsDirectory)
            {
                DeleteContents(hostPath, status, cancellationToken);
                Directory.Delete(hostPath, recursive: false);
            }
            else
            {
                File.Delete(hostPath);
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            // Deleted meanwhile by someone else: what was asked for.
        }
    }

    // Without root, a directory extracted as 0555 cannot be emptied until its owner may write it.
    private static void MakeModifiable(string hostPath, NodeStatus status)
    {
        if (!Environment.IsPrivilegedProcess && (status.Mode & OwnerAll) != OwnerAll)
        {
            File.SetUnixFileMode(hostPath, status.Mode | OwnerAll);
        }
    }
}
