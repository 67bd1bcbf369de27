namespace Vse.Host.FileSystem;

/// <summary>
/// The bytes of the regular files below a directory, each hard-linked file counted once.
/// Symlinks are never followed and other file systems never entered (<see cref="TreeWalker"/>):
/// an image holding <c>link -> /usr/share</c> is the size of its own files, not the host's.
/// </summary>
public static class TreeSize
{
    public static long Of(string root, CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long total = 0;
        foreach (var entry in TreeWalker.Walk(root, FileSystemBoundary.Stay, cancellationToken))
        {
            if (entry.Status is { Type: NodeType.RegularFile } status && seen.Add((status.FileSystemDevice, status.Inode)))
            {
                total += status.Size;
            }
        }

        return total;
    }
}
