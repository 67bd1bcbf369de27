using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Runtime.Vm;

/// <summary>
/// A disk that takes every change a guest makes to its root, as an overlay upper directory
/// (what an online build step's VM changed: <see cref="Drivers.InstanceSpec.ChangesDisk"/>). The
/// guest's init mounts the instance's own disk read-only under an overlay whose upper and work
/// directories are on this one (<see cref="Boot.InitScript"/>), so after the guest powered off
/// the disk holds the change in the same form a sandbox's upper directory has it: new and
/// changed files, whiteouts (0/0 character devices) for deletions, <c>trusted.overlay.opaque</c>
/// on directories that replace the lower one.
/// </summary>
/// <remarks>
/// The guest wrote every block of it, so the host never lets its own kernel's ext4 parse it (a
/// crafted image is a kernel attack surface): the disk is read in user space by fuse2fs
/// (e2fsprogs' libext2fs), read-only. Without a journal: the guest cannot unmount the disk
/// under its root before powering off, and a journal left to replay would need a writable,
/// kernel-mounted disk; the agent's sync() at power-off writes all there is.
/// </remarks>
public static class VmChangesDisk
{
    /// <summary>The serial number the guest's init looks the disk up by (<c>/sys/block/vdX/serial</c>).</summary>
    public const string Serial = "vse-changes";

    /// <summary>The disk's directories: the overlay's upper directory and its work directory.</summary>
    public const string UpperDirectory = "upper";

    public const string WorkDirectory = "work";

    /// <summary>Room for a step's changes; sparse, so free until written.</summary>
    public const long SizeBytes = VmDisks.FreeBytes;

    /// <summary>Makes an empty disk at <paramref name="path"/> with the upper and work directories, owned by root.</summary>
    public static async Task CreateAsync(string path, CancellationToken cancellationToken)
    {
        var template = path + ".template";
        Directory.CreateDirectory(Path.Combine(template, UpperDirectory));
        Directory.CreateDirectory(Path.Combine(template, WorkDirectory));
        try
        {
            await ExternalTool.RunAsync(
                ExternalTool.Require("mkfs.ext4", "e2fsprogs"),
                ["-q", "-F", "-O", "^has_journal", "-L", Serial, "-d", template, path, (SizeBytes >> 20) + "M"],
                cancellationToken);
        }
        finally
        {
            TreeDeleter.Delete(template, CancellationToken.None);
        }
    }

    /// <summary>
    /// Copies the disk's upper directory to <paramref name="destination"/> (which must not exist),
    /// with modes, owners, device nodes, symlinks as links and extended attributes, through a
    /// read-only fuse2fs mount at <paramref name="mountPoint"/> that is gone when this returns.
    /// </summary>
    public static async Task CopyUpperAsync(string path, string destination, string mountPoint, CancellationToken cancellationToken)
    {
        var fuse2fs = ExternalTool.Require("fuse2fs", "fuse2fs");
        var unmount = ExternalTool.Require("fusermount3", "fuse3");
        Directory.CreateDirectory(mountPoint);
        await ExternalTool.RunAsync(fuse2fs, ["-o", "ro", path, mountPoint], cancellationToken);
        try
        {
            // cp -a: links as links, hard links kept, devices and xattrs (trusted.overlay.*) copied.
            await ExternalTool.RunAsync(
                ExternalTool.Require("cp", "coreutils"), ["-a", "--", Path.Combine(mountPoint, UpperDirectory), destination], cancellationToken);
        }
        finally
        {
            await ExternalTool.RunAsync(unmount, ["-u", mountPoint], CancellationToken.None);
        }

        Directory.Delete(mountPoint);
    }
}
