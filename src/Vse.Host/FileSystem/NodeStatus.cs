namespace Vse.Host.FileSystem;

/// <summary>What <c>lstat</c> says about one node; the mode holds permission bits only.</summary>
public sealed record NodeStatus(
    NodeType Type,
    UnixFileMode Mode,
    uint Uid,
    uint Gid,
    long Size,
    DateTimeOffset ModificationTime,
    uint DeviceMajor,
    uint DeviceMinor,
    ulong Inode,
    ulong FileSystemDevice)
{
    public bool IsDirectory => Type == NodeType.Directory;

    public bool IsSymlink => Type == NodeType.Symlink;

    /// <summary>True when both statuses describe the same inode (hard links of one file).</summary>
    public bool IsSameNodeAs(NodeStatus other) =>
        Inode == other.Inode && FileSystemDevice == other.FileSystemDevice;
}
