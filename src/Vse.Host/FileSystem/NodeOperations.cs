using System.Runtime.InteropServices;
using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>
/// The changes to host nodes .NET has no API for, none of them through a final symlink. Each
/// returns 0 or the errno, so that a caller that tolerates a refusal (an unprivileged build that
/// may not give a file away) pays for no exception; <see cref="HostError.Of"/> makes one.
/// </summary>
public static class NodeOperations
{
    /// <summary>link(2): never follows a symlink in <paramref name="existingPath"/>, so a hard link to a symlink links the symlink itself, as tar expects.</summary>
    public static int HardLink(string existingPath, string newPath) =>
        Libc.Link(existingPath, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>rename(2): a symlink at <paramref name="newPath"/> is replaced, its target never touched (File.Move checks through the link).</summary>
    public static int Rename(string oldPath, string newPath) =>
        Libc.Rename(oldPath, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>mknod(2) of a FIFO or a device; a FIFO needs no privilege (.NET has no mkfifo).</summary>
    public static int CreateSpecialNode(string path, NodeType type, UnixFileMode mode, uint major = 0, uint minor = 0)
    {
        var fileType = type switch
        {
            NodeType.CharacterDevice => Libc.S_IFCHR,
            NodeType.BlockDevice => Libc.S_IFBLK,
            NodeType.Fifo => Libc.S_IFIFO,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a special node type"),
        };
        var device = type == NodeType.Fifo ? 0 : Libc.MakeDevice(major, minor);
        return Libc.Mknod(path, fileType | (uint)mode, device) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>lchown(2): a symlink gets its own owner; the call never reaches through it.</summary>
    public static int SetOwner(string path, uint uid, uint gid) =>
        Libc.Lchown(path, uid, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>
    /// Access and modification time, with utimensat and AT_SYMLINK_NOFOLLOW: the only way to set
    /// a symlink's own time (File.SetLastWriteTimeUtc follows the link).
    /// </summary>
    public static unsafe int SetModificationTime(string path, DateTimeOffset time)
    {
        // Floor division: an archive may carry times before 1970, and timespec wants
        // 0 <= tv_nsec < 1e9 even then.
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        var times = stackalloc Libc.Timespec[2];
        times[0] = new Libc.Timespec { Seconds = seconds, Nanoseconds = remainder * 100 };
        times[1] = times[0];
        return Libc.Utimensat(Libc.AtCurrentDirectory, path, times, Libc.AtSymlinkNoFollow) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
