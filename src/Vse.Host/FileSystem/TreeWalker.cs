namespace Vse.Host.FileSystem;

/// <summary>
/// The one way vse walks a tree (an image, a layer, the store, a host tree it copies): every
/// node is looked at with <c>lstat</c>, and a symlink is a node, never a way in, whatever it
/// points to. An image may hold <c>s -> /</c>, <c>s -> /tmp</c> or <c>s -> ../../..</c>; a walk
/// that followed one would count, copy, hash or delete the host's tree (and never end on a
/// loop). .NET's recursive enumeration (<c>SearchOption.AllDirectories</c>,
/// <c>EnumerationOptions.RecurseSubdirectories</c>) is not used for that reason: on Linux it
/// descends into symlinks to directories.
/// </summary>
public static class TreeWalker
{
    /// <summary>
    /// The entries of one directory with their own status, in ordinal name order, listed
    /// completely before the first is returned (so a caller may delete or rename as it goes).
    /// Entries that vanish while listed are left out. Nothing is followed: only the directory
    /// itself is opened, so pass a path that <c>lstat</c> says is a directory.
    /// </summary>
    public static IReadOnlyList<TreeEntry> Children(string directory, CancellationToken cancellationToken) =>
        Children(directory, ".", parentDevice: null, cancellationToken);

    /// <summary>
    /// Every node below <paramref name="root"/>, the root itself first (relative path <c>.</c>),
    /// each directory before its contents, siblings in ordinal name order. A directory is entered
    /// only when <c>lstat</c> says it is one, and, with <see cref="FileSystemBoundary.Stay"/>,
    /// only when it is on the root's file system. A root that is not a directory (a symlink
    /// included) is the only entry; nothing is there when the root does not exist.
    /// </summary>
    public static IEnumerable<TreeEntry> Walk(string root, FileSystemBoundary boundary, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        cancellationToken.ThrowIfCancellationRequested();
        var rootPath = Path.TrimEndingDirectorySeparator(root);
        if (rootPath.Length == 0)
        {
            rootPath = "/";
        }

        if (Nodes.TryGetStatus(rootPath) is not { } rootStatus)
        {
            yield break;
        }

        var rootEntry = new TreeEntry(rootPath, ".", rootStatus, IsMountPoint: false);
        yield return rootEntry;
        if (!rootStatus.IsDirectory)
        {
            yield break;
        }

        // An explicit stack rather than recursion: a deep image must not exhaust the thread's stack.
        var pending = new Stack<TreeEntry>();
        pending.Push(rootEntry);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            var children = Children(directory.HostPath, directory.RelativePath, directory.Status.FileSystemDevice, cancellationToken);
            var toEnter = new List<TreeEntry>();
            foreach (var child in children)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return child;
                if (child.Status.IsDirectory && (boundary == FileSystemBoundary.Cross || !child.IsMountPoint))
                {
                    toEnter.Add(child);
                }
            }

            // Reversed onto the stack so the first sibling is entered first.
            for (var i = toEnter.Count - 1; i >= 0; i--)
            {
                pending.Push(toEnter[i]);
            }
        }
    }

    private static List<TreeEntry> Children(string directory, string relativeDirectory, ulong? parentDevice, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var device = parentDevice ?? Nodes.TryGetStatus(directory)?.FileSystemDevice;
        var entries = new List<TreeEntry>();

        // Not recursive: this lists names only, and every name is then looked at with lstat.
        foreach (var hostPath in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Nodes.TryGetStatus(hostPath) is not { } status)
            {
                continue;
            }

            var name = Path.GetFileName(hostPath);
            entries.Add(new TreeEntry(
                hostPath,
                relativeDirectory == "." ? name : relativeDirectory + "/" + name,
                status,
                IsMountPoint: status.IsDirectory && status.FileSystemDevice != device));
        }

        return entries;
    }
}
