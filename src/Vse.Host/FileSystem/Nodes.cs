using System.Runtime.InteropServices;
using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>Safe wrapper over <c>statx</c>: never follows a final symlink.</summary>
public static class Nodes
{
    private const uint FileTypeMask = 0xF000;
    private const uint PermissionMask = 0xFFF;

    /// <returns>The node's status, or null when nothing is there (or a parent is not a directory).</returns>
    public static NodeStatus? TryGetStatus(string hostPath) => TryGetStatus(hostPath, followSymlink: false);

    /// <summary>Like <see cref="TryGetStatus(string)"/>; with <paramref name="followSymlink"/>, what a final symlink leads to.</summary>
    public static NodeStatus? TryGetStatus(string hostPath, bool followSymlink)
    {
        if (Libc.Statx(Libc.AtCurrentDirectory, hostPath, followSymlink ? 0 : Libc.AtSymlinkNoFollow, Libc.StatxBasicStats, out var buffer) != 0)
        {
            var error = Libc.LastError("stat", hostPath);
            if (error.HResult is Libc.ENOENT or Libc.ENOTDIR)
            {
                return null;
            }

            throw error;
        }

        return StatusOf(buffer);
    }

    /// <summary>The status of what an open descriptor refers to (an <c>O_PATH</c> one too).</summary>
    public static NodeStatus StatusOf(int descriptor)
    {
        if (Libc.Statx(descriptor, "", Libc.AtEmptyPath, Libc.StatxBasicStats, out var buffer) != 0)
        {
            throw Libc.LastError("stat", $"descriptor {descriptor}");
        }

        return StatusOf(buffer);
    }

    /// <summary>Like <see cref="TryGetStatus(string, bool)"/>, but null whatever the failure (no permission too): for a caller that only reports that a path cannot be read.</summary>
    public static NodeStatus? StatusOrNull(string hostPath, bool followSymlink) =>
        Libc.Statx(Libc.AtCurrentDirectory, hostPath, followSymlink ? 0 : Libc.AtSymlinkNoFollow, Libc.StatxBasicStats, out var buffer) == 0
            ? StatusOf(buffer)
            : null;

    /// <summary>The status of what an open handle refers to (fstat: what was opened, whatever the path names now), or null when it cannot be read.</summary>
    public static NodeStatus? StatusOrNull(SafeHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return Libc.Statx((int)handle.DangerousGetHandle(), "", Libc.AtEmptyPath, Libc.StatxBasicStats, out var buffer) == 0
                ? StatusOf(buffer)
                : null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static NodeStatus StatusOf(Libc.StatxBuffer buffer) =>
        new(
            TypeOf(buffer.Mode),
            (UnixFileMode)(buffer.Mode & PermissionMask),
            buffer.Uid,
            buffer.Gid,
            (long)buffer.Size,
            DateTimeOffset.FromUnixTimeSeconds(buffer.ModificationTime.Seconds)
                .AddTicks(buffer.ModificationTime.Nanoseconds / 100),
            buffer.RdevMajor,
            buffer.RdevMinor,
            buffer.Inode,
            ((ulong)buffer.DevMajor << 32) | buffer.DevMinor)
        {
            ModificationTimeNanoseconds = Nanoseconds(buffer.ModificationTime),
            ChangeTimeNanoseconds = Nanoseconds(buffer.ChangeTime),
        };

    private static long Nanoseconds(Libc.StatxTimestamp time) => (time.Seconds * 1_000_000_000L) + time.Nanoseconds;

    private static NodeType TypeOf(ushort mode) => (mode & FileTypeMask) switch
    {
        0x4000 => NodeType.Directory,
        0x8000 => NodeType.RegularFile,
        0xA000 => NodeType.Symlink,
        0x2000 => NodeType.CharacterDevice,
        0x6000 => NodeType.BlockDevice,
        0x1000 => NodeType.Fifo,
        0xC000 => NodeType.Socket,
        var other => throw new IOException($"unknown file type 0x{other:x} from statx"),
    };
}
