using Vse.Build.Interop;

namespace Vse.Build.FileSystem;

/// <summary>Sets owner, mode and time on a host path without ever following a final symlink.</summary>
internal static class NodeMetadata
{
    /// <summary>
    /// Sets the owner with lchown. Returns false when the kernel says the id does not exist
    /// here (EINVAL: a user namespace that maps only some ids), so a rootless caller can
    /// count instead of failing; any other refusal is an exception.
    /// </summary>
    public static bool TrySetOwner(string hostPath, ImageOwner owner)
    {
        if (Libc.Lchown(hostPath, owner.Uid, owner.Gid) == 0)
        {
            return true;
        }

        var error = Libc.LastError($"set owner {owner} on", hostPath);
        return error.HResult == Libc.EINVAL ? false : throw error;
    }

    public static void SetOwner(string hostPath, ImageOwner owner)
    {
        if (!TrySetOwner(hostPath, owner))
        {
            throw new IOException($"set owner {owner} on '{hostPath}': the id is not mapped in this user namespace");
        }
    }

    /// <summary>
    /// Sets permission bits explicitly so the process umask never shapes an image. Must come
    /// after any owner change: chown clears set-user-ID and set-group-ID bits.
    /// </summary>
    public static void SetMode(string hostPath, UnixFileMode mode) => File.SetUnixFileMode(hostPath, mode);

    public static unsafe void SetModificationTime(string hostPath, DateTimeOffset time)
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

        var nanoseconds = remainder * 100;
        var times = stackalloc Libc.Timespec[2];
        times[0] = new Libc.Timespec { Seconds = seconds, Nanoseconds = nanoseconds };
        times[1] = times[0];
        if (Libc.Utimensat(Libc.AtCurrentDirectory, hostPath, times, Libc.AtSymlinkNoFollow) != 0)
        {
            throw Libc.LastError("set modification time of", hostPath);
        }
    }
}
