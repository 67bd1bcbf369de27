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
    /// <summary>The modification time in nanoseconds since the epoch, as statx gives it (<see cref="ModificationTime"/> keeps 100 ns).</summary>
    public long ModificationTimeNanoseconds { get; init; }

    /// <summary>
    /// The status change time in nanoseconds since the epoch: set by the kernel on every write,
    /// chmod, chown, rename or link count change, and unlike the modification time no user can
    /// set it back (<c>touch -r</c> restores mtime, not ctime).
    /// </summary>
    public long ChangeTimeNanoseconds { get; init; }

    public bool IsDirectory => Type == NodeType.Directory;

    public bool IsSymlink => Type == NodeType.Symlink;

    /// <summary>True when both statuses describe the same inode (hard links of one file).</summary>
    public bool IsSameNodeAs(NodeStatus other) =>
        Inode == other.Inode && FileSystemDevice == other.FileSystemDevice;
}
