using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Reproducible;

/// <summary>
/// vse's rules for bit-identical rebuilds, in one place for every layer and export format:
/// a fixed epoch for every timestamp (in the manner of SOURCE_DATE_EPOCH), sorted entries,
/// numeric owners, and file system ids derived from the image's identity rather than drawn at
/// random. A layer's times are clamped to the epoch when the layer is made
/// (<see cref="ClampTimes"/>), so every export (dir, tar, oci, squashfs, ext4, qcow2) reads
/// reproducible times from the tree itself; the options below fix what each tool would
/// otherwise take from the clock or a random source.
/// </summary>
public static class ReproducibleTree
{
    /// <summary>
    /// 1980-01-01T00:00:00Z. Not 0: mke2fs takes a fake time of 0 as "none" and reads the clock,
    /// and 1980 is the earliest time every archive format (zip included) can hold.
    /// </summary>
    public const long Epoch = 315532800;

    public static DateTimeOffset EpochTime { get; } = DateTimeOffset.FromUnixTimeSeconds(Epoch);

    private static readonly string EpochText = Epoch.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>SOURCE_DATE_EPOCH=EPOCH</c>, for every tool that runs in a build (mmdebstrap, dpkg, and
    /// what a step runs): tools that follow the reproducible-builds convention write it where they
    /// would write the clock, e.g. shadow's useradd and passwd the last-change day of
    /// <c>/etc/shadow</c>, mmdebstrap its base's.
    /// </summary>
    public static KeyValuePair<string, string> SourceDateEpoch { get; } = new("SOURCE_DATE_EPOCH", EpochText);

    /// <summary>
    /// Sets the modification time of every node of <paramref name="rootfs"/> newer than the
    /// epoch (files a step just wrote) to the epoch; older times (a package's files) are kept,
    /// as SOURCE_DATE_EPOCH's clamping does. Symlinks get their own time. Nodes already at or
    /// before the epoch (those a layer shares with its parent by hard link) are not touched.
    /// </summary>
    /// <returns>How many nodes were changed.</returns>
    public static int ClampTimes(string rootfs, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var entry in TreeWalker.Walk(rootfs, FileSystemBoundary.Stay, cancellationToken))
        {
            if (entry.Status.ModificationTime > EpochTime)
            {
                NodeMetadata.SetModificationTime(entry.HostPath, EpochTime);
                changed++;
            }
        }

        return changed;
    }

    /// <summary>GNU tar: sorted names, numeric owners, clamped times, and no atime, ctime or process id in pax headers.</summary>
    public static IReadOnlyList<string> TarArguments { get; } =
    [
        // Directory order depends on the file system; sorting makes the archive a function of the tree.
        "--sort=name",

        // Ids, not names: the image's /etc/passwd, not the host's, gives names to ids.
        "--numeric-owner",

        // atime and ctime change on every read, and the default pax header name holds the
        // process id: either would make two exports of one tree differ.
        "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
        $"--mtime=@{EpochText}",
        "--clamp-mtime",
    ];

    /// <summary>mksquashfs: reproducible layout (its default, said anyway).</summary>
    public static IReadOnlyList<string> SquashfsArguments { get; } = ["-reproducible"];

    /// <summary>
    /// mksquashfs: the super block's creation time is the epoch and later file times are clamped
    /// to it. Through the variable rather than -mkfs-time: mksquashfs refuses both at once, and
    /// the user's own SOURCE_DATE_EPOCH would otherwise meet the option.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SquashfsEnvironment { get; } =
        new Dictionary<string, string> { [SourceDateEpoch.Key] = SourceDateEpoch.Value };

    /// <summary>mke2fs and debugfs: the clock they would write into the super block and new inodes.</summary>
    public static IReadOnlyDictionary<string, string> E2fsprogsEnvironment { get; } =
        new Dictionary<string, string> { ["E2FSPROGS_FAKE_TIME"] = EpochText };

    /// <summary>
    /// A file system UUID (also ext4's directory hash seed) from the image's identity: the same
    /// image gets the same id, two images different ones, and none is random.
    /// </summary>
    public static Guid FileSystemId(string identity)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("vse-fs-id-v1\n" + identity)).AsSpan(0, 16).ToArray();

        // RFC 9562 layout: version 8 (custom), variant 10.
        bytes[6] = (byte)((bytes[6] & 0x0f) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3f) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// debugfs requests that set each node's access and change time to the epoch, and clamp its
    /// modification time to it as tar and mksquashfs do: mke2fs 1.47.0
    /// <c>-d</c> copies both from the host, where the change time is the moment the layer was
    /// made and cannot be set. Paths are quoted for debugfs's parser; a name holding a quote,
    /// a backslash or a control character cannot be quoted and keeps its host times.
    /// </summary>
    /// <returns>The requests, and how many nodes could not be named.</returns>
    public static (IReadOnlyList<string> Requests, int Unnamed) Ext4TimeRequests(string rootfs, CancellationToken cancellationToken)
    {
        var requests = new List<string>();
        var unnamed = 0;
        foreach (var entry in TreeWalker.Walk(rootfs, FileSystemBoundary.Stay, cancellationToken))
        {
            var path = entry.RelativePath == "." ? "/" : "/" + entry.RelativePath;
            if (path.Any(c => c is '"' or '\\' || char.IsControl(c)))
            {
                unnamed++;
                continue;
            }

            requests.Add($"set_inode_field \"{path}\" atime @{EpochText}");
            requests.Add($"set_inode_field \"{path}\" ctime @{EpochText}");
            if (entry.Status.ModificationTime > EpochTime)
            {
                // Clamped as tar and mksquashfs clamp, for a tree no build has clamped.
                requests.Add($"set_inode_field \"{path}\" mtime @{EpochText}");
            }
        }

        return (requests, unnamed);
    }
}
