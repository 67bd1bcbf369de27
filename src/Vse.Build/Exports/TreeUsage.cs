using System.Text;
using Vse.Build.FileSystem;

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

    public static TreeUsage Measure(string rootfs, CancellationToken cancellationToken)
    {
        var counter = new Counter(cancellationToken);
        counter.Directory(rootfs);
        return new TreeUsage(counter.DataBytes, counter.Inodes);
    }

    private static long WholeBlocks(long bytes) => (bytes + BlockSize - 1) / BlockSize * BlockSize;

    private sealed class Counter(CancellationToken cancellationToken)
    {
        private readonly HashSet<(ulong Device, ulong Inode)> filesSeen = [];

        public long DataBytes { get; private set; }

        public long Inodes { get; private set; }

        public void Directory(string path)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Inodes++;

            // "." and ".." are entries too.
            long entryBytes = 2 * (DirectoryEntryHeader + 4);
            foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(path))
            {
                var status = Nodes.TryGetStatus(entry);
                if (status is null)
                {
                    continue;
                }

                entryBytes += DirectoryEntryHeader + ((Encoding.UTF8.GetByteCount(Path.GetFileName(entry)) + 3) & ~3);
                Node(entry, status);
            }

            DataBytes += Math.Max(BlockSize, WholeBlocks(entryBytes));
        }

        private void Node(string path, NodeStatus status)
        {
            switch (status.Type)
            {
                case NodeType.Directory:
                    Directory(path);
                    break;
                case NodeType.RegularFile:
                    // Every regular file is remembered, not only those with several links (NodeStatus
                    // has no link count): a second name of an inode adds no blocks.
                    if (filesSeen.Add((status.FileSystemDevice, status.Inode)))
                    {
                        Inodes++;
                        DataBytes += WholeBlocks(status.Size) + BlockSize * (status.Size / ExtentBytes);
                    }

                    break;
                case NodeType.Symlink:
                    Inodes++;
                    if (status.Size >= InlineSymlinkLength)
                    {
                        DataBytes += BlockSize;
                    }

                    break;
                default:
                    // Device nodes, fifos and sockets are an inode and nothing else.
                    Inodes++;
                    break;
            }
        }
    }
}
