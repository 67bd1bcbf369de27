using Microsoft.Win32.SafeHandles;
using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>
/// A tmpfs of vse's own on one of its directories (a deployment's instance state with
/// <c>deploy.writes: memory</c>): mounted without a size of its own, so that what is written is
/// bounded by the memory limit of the cgroup of whoever writes it (its pages are charged there);
/// <c>nosuid</c> and <c>nodev</c>, mode 0700, private: no mount under it propagates to or from
/// another mount namespace. Never led elsewhere by a symlink: the directory is
/// opened without following any, mounted on and checked through that descriptor, and unmounted
/// with <c>UMOUNT_NOFOLLOW</c>.
/// </summary>
public static class PrivateTmpfs
{
    /// <summary>Mounts a new, empty tmpfs on <paramref name="directory"/>, an existing directory reached through no symlink.</summary>
    /// <exception cref="IOException">Not a directory, a symlink on the way, or the mount refused (no privilege: <see cref="IOException.HResult"/> is EPERM).</exception>
    public static void Mount(string directory)
    {
        using var target = HostOpen.PathOnly(directory, HostOpen.Rule.NoSymlinks);
        if (!HostOpen.StatusOf(target).IsDirectory)
        {
            throw new IOException($"'{directory}' is not a directory: no tmpfs is mounted on it");
        }

        // Through the descriptor's /proc magic link: the directory just checked, whatever the path names by now.
        var through = $"/proc/self/fd/{target.DangerousGetHandle()}";
        if (Libc.Mount("tmpfs", through, "tmpfs", Libc.MountNoSetUid | Libc.MountNoDevices, "mode=0700") != 0)
        {
            throw Libc.LastError("mount a tmpfs on", directory);
        }

        try
        {
            MakePrivate(directory, target);
        }
        catch
        {
            Unmount(directory);
            throw;
        }
    }

    /// <summary>
    /// Makes the tmpfs just mounted on <paramref name="directory"/> private. Under a shared parent
    /// (a systemd host's <c>/</c>) a new mount is shared, in a peer group with the copies the
    /// kernel made of it in every peer and slave mount namespace: anything mounted under it, here
    /// or in any of them, would appear in all the others. Private, it sends and receives nothing.
    /// Those copies stay (they were made by the mount itself) and carry nothing more; the detach
    /// still removes them, as an unmount propagates through the parent's peers, not the mount's.
    /// </summary>
    /// <param name="beneath">The directory the tmpfs was mounted on, opened before: the new root must be on another device.</param>
    private static void MakePrivate(string directory, SafeFileHandle beneath)
    {
        // The descriptor opened before the mount still names the directory beneath it; the
        // propagation is changed on the root of the mount, so it is opened again, and checked.
        using var root = HostOpen.PathOnly(directory, HostOpen.Rule.NoSymlinks);
        if (Libc.Statx((int)root.DangerousGetHandle(), "", Libc.AtEmptyPath, Libc.StatxBasicStats, out var mounted) != 0
            || Libc.Statx((int)beneath.DangerousGetHandle(), "", Libc.AtEmptyPath, Libc.StatxBasicStats, out var under) != 0)
        {
            throw Libc.LastError("stat", directory);
        }

        if ((mounted.DevMajor, mounted.DevMinor) == (under.DevMajor, under.DevMinor))
        {
            throw new IOException($"'{directory}' is no longer the tmpfs just mounted on it");
        }

        if (Libc.Mount(null, $"/proc/self/fd/{root.DangerousGetHandle()}", null, Libc.MountPrivate, null) != 0)
        {
            throw Libc.LastError("make private the tmpfs on", directory);
        }
    }

    /// <summary>Whether <paramref name="directory"/> (reached through no symlink) is the root of a mounted tmpfs; false where nothing is there.</summary>
    public static bool IsMountedOn(string directory)
    {
        SafeFileHandle handle;
        try
        {
            handle = HostOpen.PathOnly(directory, HostOpen.Rule.NoSymlinks);
        }
        catch (IOException e) when (e.HResult is Libc.ENOENT or Libc.ENOTDIR or Libc.ELOOP)
        {
            return false;
        }

        using (handle)
        {
            if (!HostOpen.StatusOf(handle).IsDirectory)
            {
                return false;
            }

            var descriptor = (int)handle.DangerousGetHandle();
            if (Libc.Fstatfs(descriptor, out var fileSystem) != 0)
            {
                throw Libc.LastError("statfs", directory);
            }

            if (fileSystem.Type != Libc.TmpfsMagic)
            {
                return false;
            }

            // A tmpfs directory on another device than its parent is the root of its own tmpfs, not
            // a directory inside one (a data directory all on a tmpfs). ".." of a mount's root is
            // its parent in the mount tree.
            if (Libc.Statx(descriptor, "", Libc.AtEmptyPath, Libc.StatxBasicStats, out var status) != 0
                || Libc.Statx(descriptor, "..", Libc.AtSymlinkNoFollow, Libc.StatxBasicStats, out var parent) != 0)
            {
                throw Libc.LastError("stat", directory);
            }

            return (status.DevMajor, status.DevMinor) != (parent.DevMajor, parent.DevMinor);
        }
    }

    /// <summary>
    /// Detaches the tmpfs mounted on <paramref name="directory"/> (<c>MNT_DETACH</c>: its memory is
    /// freed once nothing holds a file of it open) and leaves the directory beneath; nothing is done
    /// where no tmpfs is mounted there.
    /// </summary>
    /// <returns>Whether a tmpfs was unmounted.</returns>
    public static bool Unmount(string directory)
    {
        if (!IsMountedOn(directory))
        {
            return false;
        }

        if (Libc.Umount2(directory, Libc.UnmountDetach | Libc.UnmountNoFollow) != 0)
        {
            throw Libc.LastError("unmount the tmpfs on", directory);
        }

        return true;
    }
}
