using Vse.Build.FileSystem;
using Vse.Build.Reproducible;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Build.Exports;

/// <summary>
/// The <c>ext4</c> export: <c>mkfs.ext4 -d</c> copies the tree into a new file system image
/// without mounting anything, so it needs neither root nor a loop device.
/// </summary>
internal static class Ext4Export
{
    private const string DefaultRootMode = "0755";

    /// <param name="identity">What the file system's UUID is derived from (<see cref="ReproducibleTree.FileSystemId"/>): the image's description digest.</param>
    public static Task WriteAsync(string rootfs, string output, string identity, CancellationToken cancellationToken) =>
        WriteAsync(rootfs, output, identity, Ext4Geometry.For(TreeUsage.Measure(rootfs, cancellationToken)), cancellationToken);

    /// <param name="geometry">The first size tried; doubled once if the tree does not fit.</param>
    internal static async Task WriteAsync(string rootfs, string output, string identity, Ext4Geometry geometry, CancellationToken cancellationToken)
    {
        var mkfs = ExternalTool.Require("mkfs.ext4", "e2fsprogs");
        var root = Nodes.TryGetStatus(rootfs) ?? throw new DirectoryNotFoundException($"root filesystem '{rootfs}' is gone");
        var id = ReproducibleTree.FileSystemId(identity).ToString();
        try
        {
            await MakeAsync(mkfs, rootfs, root, output, id, geometry, cancellationToken);
        }
        catch (ToolFailedException e) when (IsOutOfSpace(e))
        {
            File.Delete(output);
            await MakeAsync(mkfs, rootfs, root, output, id, geometry.Doubled(), cancellationToken);
        }

        await FixInodesAsync(rootfs, output, root.Mode, cancellationToken);
    }

    private static async Task MakeAsync(string mkfs, string rootfs, NodeStatus root, string output, string id, Ext4Geometry geometry, CancellationToken cancellationToken)
    {
        await ExternalTool.RunAsync(
            mkfs,
            [
                "-q", "-F",

                // The general-purpose type whatever the size: mke2fs would otherwise pick the "small"
                // type for images under 512 MiB, with 1 KiB blocks and 128-byte inodes that cannot
                // hold times past 2038.
                "-T", "default",
                "-N", geometry.Inodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-L", "vse",
                // -d reads the tree with lstat: a symlink is stored as a link, never followed.
                "-d", rootfs,

                // -d gives the root directory to the caller of mkfs; the tree's root has its own owner.
                // The UUID and directory hash seed are derived, not random (ReproducibleTree).
                "-U", id,
                "-E", $"root_owner={root.Uid}:{root.Gid},hash_seed={id}",
                output,
                $"{geometry.SizeBytes / Ext4Geometry.MiB}M",
            ],
            cancellationToken,
            environment: ToolEnvironment.With(ReproducibleTree.E2fsprogsEnvironment));
    }

    /// <summary>
    /// One debugfs run over the new image: the root directory's mode (mke2fs 1.47.0 -d copies the
    /// root's owner only through root_owner, and makes it 0755) and every node's access and
    /// change time, which -d copies from the host (<see cref="ReproducibleTree.Ext4TimeRequests"/>).
    /// </summary>
    private static async Task FixInodesAsync(string rootfs, string image, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var (requests, _) = ReproducibleTree.Ext4TimeRequests(rootfs, cancellationToken);
        var all = new List<string>(requests);
        var octal = Convert.ToString((int)mode, 8).PadLeft(4, '0');
        if (octal != DefaultRootMode)
        {
            all.Add($"set_inode_field <2> mode 0{Convert.ToString(0x4000 | (int)mode, 8)}");
        }

        var debugfs = ExternalTool.Require("debugfs", "e2fsprogs");
        var script = image + ".debugfs";
        await File.WriteAllLinesAsync(script, all, cancellationToken);
        try
        {
            // debugfs reports a failed request on stderr but still exits 0, so the answer is checked.
            var result = await ExternalTool.RunAsync(
                debugfs,
                ["-w", "-f", script, image],
                cancellationToken,
                environment: ToolEnvironment.With(ReproducibleTree.E2fsprogsEnvironment));
            var complaint = result.Stderr.Split('\n')
                .Select(line => line.Trim())
                .FirstOrDefault(line => line.Length > 0 && !line.StartsWith("debugfs ", StringComparison.Ordinal));
            if (complaint is not null)
            {
                throw new ToolFailedException("debugfs", 0, complaint);
            }
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static bool IsOutOfSpace(ToolFailedException failure) =>
        failure.ErrorTail.Contains("Could not allocate", StringComparison.Ordinal)
        || failure.ErrorTail.Contains("No space left", StringComparison.Ordinal);
}
