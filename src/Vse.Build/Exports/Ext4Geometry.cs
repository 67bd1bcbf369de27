namespace Vse.Build.Exports;

/// <summary>The size and inode count an ext4 image is made with.</summary>
internal sealed record Ext4Geometry(long SizeBytes, long Inodes)
{
    public const long MiB = 1024 * 1024;

    /// <summary>On-disk inode size of mke2fs's default type (256 bytes: room for nanosecond times past 2038 and small xattrs).</summary>
    public const long InodeSize = 256;

    /// <summary>mke2fs's default bytes-per-inode ratio; below it the image gets more inodes than the default, never fewer.</summary>
    public const long BytesPerInode = 16384;

    /// <summary>
    /// <c>size = (data + inodes × 256) × 1.3 + 64 MiB</c>, rounded up to a whole MiB, where data and
    /// inodes come from <see cref="TreeUsage"/> and the inode count is the tree's plus a quarter and
    /// 64 spare (mke2fs reserves 11, lost+found takes one). The 30% covers block group metadata
    /// (bitmaps, descriptors, the default inode table of size/16384 inodes), the 5% blocks reserved
    /// for root, directory index blocks and xattr blocks; the 64 MiB covers the journal (16–64 MiB
    /// below 16 GiB, and a small fraction of the 30% above) and small trees.
    /// </summary>
    public static Ext4Geometry For(TreeUsage usage)
    {
        var inodes = usage.Inodes + (usage.Inodes / 4) + 64;
        var used = usage.DataBytes + (inodes * InodeSize);
        var size = RoundUpToMiB((used * 13 / 10) + (64 * MiB));
        return new Ext4Geometry(size, Math.Max(inodes, size / BytesPerInode));
    }

    /// <summary>The retry after mke2fs ran out of blocks or inodes.</summary>
    public Ext4Geometry Doubled() => new(SizeBytes * 2, Inodes * 2);

    private static long RoundUpToMiB(long bytes) => (bytes + MiB - 1) / MiB * MiB;
}
