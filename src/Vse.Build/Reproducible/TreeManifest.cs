using System.Globalization;
using Vse.Build.Digests;
using Vse.Host.FileSystem;

namespace Vse.Build.Reproducible;

/// <summary>
/// What every node of a layer's tree is, by relative path: type, permission bits, owner,
/// size, modification time, symlink target, device number and content digest, as one string
/// per node. Unlike <see cref="ContentDigest.OfTreeAsync"/> (one digest for the whole tree)
/// it says which nodes differ, so <c>vse build --check</c> can name them; and unlike it, it
/// counts times, as every export carries them.
/// </summary>
public sealed record TreeManifest(IReadOnlyDictionary<string, string> Entries)
{
    /// <summary>Reads the manifest of <paramref name="rootfs"/>, without crossing into other file systems.</summary>
    /// <param name="contents">
    /// Content digests already computed, by (device, inode): the layers of one store share
    /// their unchanged files by hard link, so each file is read once for all of them.
    /// </param>
    public static async Task<TreeManifest> ReadAsync(string rootfs, IDictionary<(ulong Device, ulong Inode), string> contents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in TreeWalker.Walk(rootfs, FileSystemBoundary.Stay, cancellationToken))
        {
            var status = entry.Status;
            var content = "";
            if (status.Type == NodeType.RegularFile)
            {
                var node = (status.FileSystemDevice, status.Inode);
                if (!contents.TryGetValue(node, out var digest))
                {
                    digest = await ContentDigest.OfFileAsync(entry.HostPath, cancellationToken).ConfigureAwait(false);
                    contents[node] = digest;
                }

                content = digest;
            }

            entries[entry.RelativePath] = string.Join(
                ' ',
                DigestFields.TypeCode(status.Type),
                DigestFields.Mode(status.Mode),
                $"{status.Uid.ToString(CultureInfo.InvariantCulture)}:{status.Gid.ToString(CultureInfo.InvariantCulture)}",
                (status.Type == NodeType.RegularFile ? status.Size : 0).ToString(CultureInfo.InvariantCulture),
                status.ModificationTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                status.IsSymlink ? "->" + (new FileInfo(entry.HostPath).LinkTarget ?? "") : "",
                status.Type is NodeType.CharacterDevice or NodeType.BlockDevice ? $"{status.DeviceMajor},{status.DeviceMinor}" : "",
                content);
        }

        return new TreeManifest(entries);
    }
}
