using Vse.Build.Rootless;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Build.FileSystem;

/// <summary>Sets owner, mode and time on a host path without ever following a final symlink.</summary>
internal static class NodeMetadata
{
    /// <summary>
    /// Sets the owner with lchown. Returns false when the id cannot be given here: the kernel
    /// says it does not exist (EINVAL: a user namespace that maps only some ids) or an
    /// unprivileged build may not give it away (EPERM), so a rootless caller can count instead
    /// of failing; any other refusal is an exception.
    /// <para>
    /// An unprivileged user's images are owned by that user where they say root: the user's
    /// instances map exactly that user to root (a single-id user namespace).
    /// </para>
    /// </summary>
    public static bool TrySetOwner(string hostPath, ImageOwner owner)
    {
        var onDisk = Environment.IsPrivilegedProcess ? owner : new ImageOwner(
            owner.Uid == 0 ? ProcessIdentity.Current.Uid : owner.Uid,
            owner.Gid == 0 ? ProcessIdentity.Current.Gid : owner.Gid);
        var errno = NodeOperations.SetOwner(hostPath, onDisk.Uid, onDisk.Gid);
        if (errno == 0)
        {
            return true;
        }

        return errno == HostError.InvalidArgument || (errno == HostError.NotPermitted && !Environment.IsPrivilegedProcess)
            ? false
            : throw HostError.Of(errno, $"set owner {owner} on", hostPath);
    }

    public static void SetOwner(string hostPath, ImageOwner owner)
    {
        if (!TrySetOwner(hostPath, owner))
        {
            throw new IOException(Environment.IsPrivilegedProcess
                ? $"set owner {owner} on '{hostPath}': the id is not mapped in this user namespace"
                : $"set owner {owner} on '{hostPath}': {BuildNamespace.WhyNotRoot("owners other than root (0:0) of the image")}");
        }
    }

    /// <summary>
    /// Sets permission bits explicitly so the process umask never shapes an image. Must come
    /// after any owner change: chown clears set-user-ID and set-group-ID bits.
    /// </summary>
    public static void SetMode(string hostPath, UnixFileMode mode) => File.SetUnixFileMode(hostPath, mode);

    public static void SetModificationTime(string hostPath, DateTimeOffset time)
    {
        if (NodeOperations.SetModificationTime(hostPath, time) is not 0 and var errno)
        {
            throw HostError.Of(errno, "set modification time of", hostPath);
        }
    }
}
