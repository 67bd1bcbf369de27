namespace Vse.Build.FileSystem;

/// <summary>The bytes of the regular files below a directory, each hard-linked file counted once.</summary>
public static class TreeSize
{
    public static long Of(string root)
    {
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", options))
        {
            if (Nodes.TryGetStatus(path) is { Type: NodeType.RegularFile } status && seen.Add((status.FileSystemDevice, status.Inode)))
            {
                total += status.Size;
            }
        }

        return total;
    }
}
