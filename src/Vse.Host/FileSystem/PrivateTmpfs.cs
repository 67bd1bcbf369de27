using Microsoft.Win32.SafeHandles;
using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>
/// A tmpfs of vse's own on one of its directories (a deployment's instance state with
/// <c>deploy.writes: memory</c>): mounted without a size of its own, so that what is written is
/// bounded by the memory limit of the cgroup of whoever writes it (its pages are charged there);
/// <c>nosuid</c> and <c>nodev</c>, mode 0700. Never led elsewhere by a symlink: the directory is
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
