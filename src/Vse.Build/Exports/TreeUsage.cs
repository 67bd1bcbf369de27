using System.Text;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Exports;

/// <summary>
/// What a tree will occupy in ext4 with 4 KiB blocks, counted from below: data and directory
/// blocks, and how many inodes. Overestimates by design (apparent sizes, whole blocks), because
/// an image that is too small fails, while one a little too large only costs sparse file space.
/// </summary>
/// <param name="DataBytes">Blocks of file contents, directories, long symlink targets and extent index blocks.</param>
/// <param name="Inodes">Distinct inodes: every node once, hard links once.</param>
internal sealed record TreeUsage(long DataBytes, long Inodes)
{
    public const long BlockSize = 4096;

    /// <summary>Symlink targets shorter than this live in the inode itself ("fast" symlinks).</summary>
    private const int InlineSymlinkLength = 60;

    /// <summary>One extent maps at most 32768 blocks (128 MiB); four fit in the inode, the rest take index blocks.</summary>
    private const long ExtentBytes = 32768 * BlockSize;

    /// <summary>An ext4 directory entry: inode (4), record length (2), name length and type (2), name padded to 4.</summary>
    private const int DirectoryEntryHeader = 8;

    /// <summary>Walks <paramref name="rootfs"/> without following a symlink or leaving its file system (<see cref="TreeWalker"/>).</summary>
    public static TreeUsage Measure(string rootfs, CancellationToken cancellationToken)
    {
        var filesSeen = new HashSet<(ulong Device, ulong Inode)>();

        // Bytes of the entries of each directory, by relative path; "." and ".." are entries too.
        var entryBytes = new Dictionary<string, long>(StringComparer.Ordinal);
        long dataBytes = 0, inodes = 0;
        foreach (var entry in TreeWalker.Walk(rootfs, FileSystemBoundary.Stay, cancellationToken))
        {
            if (entry.RelativePath != ".")
            {
                var parent = Path.GetDirectoryName(entry.RelativePath) is { Length: > 0 } directory ? directory : ".";
                entryBytes[parent] += DirectoryEntryHeader + ((Encoding.UTF8.GetByteCount(entry.Name) + 3) & ~3);
            }

            var status = entry.Status;
            switch (status.Type)
            {
                case NodeType.Directory:
                    inodes++;
                    entryBytes[entry.RelativePath] = 2 * (DirectoryEntryHeader + 4);
                    break;
                case NodeType.RegularFile:
                    // Every regular file is remembered, not only those with several links (NodeStatus
                    // has no link count): a second name of an inode adds no blocks.
                    if (filesSeen.Add((status.FileSystemDevice, status.Inode)))
                    {
                        inodes++;
                        dataBytes += WholeBlocks(status.Size) + BlockSize * (status.Size / ExtentBytes);
                    }

                    break;
                case NodeType.Symlink:
                    inodes++;
                    if (status.Size >= InlineSymlinkLength)
                    {
                        dataBytes += BlockSize;
                    }

                    break;
                default:
                    // Device nodes, fifos and sockets are an inode and nothing else.
                    inodes++;
                    break;
            }
        }

        dataBytes += entryBytes.Values.Sum(bytes => Math.Max(BlockSize, WholeBlocks(bytes)));
        return new TreeUsage(dataBytes, inodes);
    }

    private static long WholeBlocks(long bytes) => (bytes + BlockSize - 1) / BlockSize * BlockSize;
}
