namespace Vse.Build.Exports;

/// <summary>
/// A root filesystem as the raw ext4 disk a VM boots from: the <c>ext4</c> export with room to
/// spare, since every instance writes into it (through a copy-on-write overlay of its own). The
/// room costs nothing until used: the image is a sparse file.
/// </summary>
public static class VmRootDisk
{
    /// <summary>Writes the disk to <paramref name="output"/> (replaced), with <paramref name="freeBytes"/> beyond what the tree needs.</summary>
    public static async Task WriteAsync(string rootfs, string output, long freeBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(freeBytes);
        var source = ExportPaths.RequireRootfs(rootfs);
        var fitted = Ext4Geometry.For(TreeUsage.Measure(source, cancellationToken));
        var size = fitted.SizeBytes + ((freeBytes + Ext4Geometry.MiB - 1) / Ext4Geometry.MiB * Ext4Geometry.MiB);
        var geometry = new Ext4Geometry(size, Math.Max(fitted.Inodes, size / Ext4Geometry.BytesPerInode));
        using var staged = new StagedOutput(Path.GetFullPath(output));
        // The disk's UUID from the layer it is made of (its key is in the path).
        await Ext4Export.WriteAsync(source, staged.TemporaryPath, source, geometry, cancellationToken);
        staged.Commit();
    }
}
