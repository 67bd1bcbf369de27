using System.Security.Cryptography;
using System.Text;
using Vse.Build.Exports;
using Vse.Host.Processes;

namespace Vse.Runtime.Vm;

/// <summary>
/// The disks VM instances boot from. A configuration is exported once to a raw ext4 image (its
/// "base", cached and shared by every instance and
/// deployment of it, under <c>VM_DIRECTORY/disks</c>); each instance gets a qcow2 overlay that holds only what it changes, so
/// nothing an instance writes reaches the base or another instance.
/// </summary>
public sealed class VmDisks(string vmDirectory)
{
    private readonly string _directory = Path.Combine(vmDirectory, "disks");

    /// <summary>Room for what instances write, beyond the configuration itself; sparse, so free until written.</summary>
    public const long FreeBytes = 2L << 30;

    /// <summary>
    /// The base disk of a configuration: its path names the configuration's root directory, which
    /// the layer store never changes once written, so the path is identity enough.
    /// </summary>
    public string BasePath(string rootfs)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootfs));
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..32];
        return Path.Combine(_directory, key + ".ext4");
    }

    /// <summary>Exports the configuration to its base disk unless that is done already; concurrent callers each get a whole disk.</summary>
    public async Task<string> BaseAsync(string rootfs, CancellationToken cancellationToken)
    {
        var path = BasePath(rootfs);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(_directory);
            // Written under a temporary name and renamed: a reader never sees half a disk, and a
            // second deploy racing this one merely replaces it with an equal one.
            await VmRootDisk.WriteAsync(rootfs, path, FreeBytes, cancellationToken);
        }

        return path;
    }

    /// <summary>Deletes a configuration's base disk (<c>vse destroy</c>); absent is fine.</summary>
    public void DeleteBase(string rootfs)
    {
        // File.Delete throws when the directory is missing too (no VM was ever started here).
        var path = BasePath(rootfs);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>Creates the instance's copy-on-write overlay over the base.</summary>
    public static async Task CreateOverlayAsync(string baseDisk, string overlay, CancellationToken cancellationToken) =>
        await ExternalTool.RunAsync(
            ExternalTool.Require("qemu-img", "qemu-utils"),
            ["create", "-q", "-f", "qcow2", "-b", baseDisk, "-F", "raw", overlay],
            cancellationToken);
}
