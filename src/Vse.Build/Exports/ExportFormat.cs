namespace Vse.Build.Exports;

/// <summary>The shapes a built root filesystem can be exported as (<c>vse build --output FORMAT:PATH</c>).</summary>
public enum ExportFormat
{
    /// <summary>A copy of the tree, for tools that want a plain directory (chroot, an OCI bundle's rootfs).</summary>
    Dir,

    /// <summary>An uncompressed POSIX tar with numeric owners, sorted by name.</summary>
    Tar,

    /// <summary>An OCI image layout directory holding one single-layer image tagged <c>latest</c>.</summary>
    Oci,

    /// <summary>A compressed read-only squashfs image, as HPC sites stage to compute nodes.</summary>
    Squashfs,

    /// <summary>A raw ext4 file system image, sized to the tree.</summary>
    Ext4,

    /// <summary>The ext4 image converted to qcow2, the VM driver's disk format.</summary>
    Qcow2,
}
