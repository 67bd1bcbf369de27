using System.Formats.Tar;
using Vse.Build.Archives;
using Vse.Build.Digests;
using Vse.Build.FileSystem;
using Vse.Build.Reproducible;
using Vse.Host.FileSystem;

namespace Vse.Build.Layers;

/// <summary>
/// A captured layer: nodes of an overlay upper directory that no <c>files</c> step can express
/// (binary or large files, other owners than root, FIFOs), kept as a tar archive that a
/// description names by its content digest (<c>{layer: ARCHIVE, digest: sha256:...}</c>,
/// docs/online.md). The archive follows the rules of vse's other tars
/// (<see cref="ReproducibleTree.TarArguments"/>): POSIX (pax) format, names sorted, numeric
/// owners only, modification times clamped to <see cref="ReproducibleTree.Epoch"/>, no access
/// or change times; so one tree always gives the same bytes and the same digest.
/// <para>
/// It is written here rather than by GNU tar because the upper directory belongs to a running
/// instance: tar opens <c>etc/x</c> through whatever <c>etc</c> is by then, and an instance
/// that swapped its <c>/etc</c> for a link to <c>/root</c> would have the host's file archived.
/// Every file is opened below the upper directory with no symlink followed.
/// </para>
/// </summary>
public static class CapturedLayer
{
    /// <summary>Writes the nodes (each one alone, never its tree) of <paramref name="upper"/> into <paramref name="archive"/>.</summary>
    /// <param name="nodes">Added or changed nodes, as <see cref="UpperDirectoryChanges"/> found them (their status and link target).</param>
    /// <returns>The archive's content digest (<c>sha256:HEX</c>).</returns>
    /// <exception cref="IOException">A node is not there any more, or became a link or another type since it was seen.</exception>
    /// <exception cref="ArgumentException">A node is a device or socket, which a captured layer does not hold.</exception>
    public static async Task<string> WriteAsync(string upper, IEnumerable<FileChange> nodes, string archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        using var directory = HostOpen.PathOnly(upper, HostOpen.Rule.Follow);
        var output = new FileStream(archive, FileMode.CreateNew, FileAccess.ReadWrite);
        await using (output.ConfigureAwait(false))
        {
            var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                foreach (var node in nodes.OrderBy(n => n.Path, StringComparer.Ordinal))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await WriteNodeAsync(writer, directory, node, cancellationToken).ConfigureAwait(false);
                }
            }

            output.Position = 0;
            return await ContentDigest.OfStreamAsync(output, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies the archive onto <paramref name="rootfs"/> after checking that it is the one the
    /// description names: it is read from one open descriptor, hashed, then applied, so a file
    /// replaced in between is not the one applied.
    /// </summary>
    /// <exception cref="CapturedLayerException">The archive is missing, has another digest, or cannot be applied.</exception>
    public static async Task ApplyAsync(string archive, string digest, string rootfs, CancellationToken cancellationToken)
    {
        var stream = Open(archive, digest);
        await using (stream.ConfigureAwait(false))
        {
            await CheckAsync(stream, archive, digest, cancellationToken).ConfigureAwait(false);
            stream.Position = 0;
            try
            {
                await ArchiveImporter.ApplyAsync(new ImageRoot(rootfs), stream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or UnsafePathException or SymlinkLoopException or ImageConflictException or UnsupportedCompressionException)
            {
                throw new CapturedLayerException($"captured layer {digest} ({archive}) cannot be applied: {e.Message}", e);
            }
        }
    }

    /// <summary>Checks that the archive is there and has the digest, without applying it.</summary>
    /// <exception cref="CapturedLayerException">It is missing or has another digest.</exception>
    public static async Task VerifyAsync(string archive, string digest, CancellationToken cancellationToken)
    {
        var stream = Open(archive, digest);
        await using (stream.ConfigureAwait(false))
        {
            await CheckAsync(stream, archive, digest, cancellationToken).ConfigureAwait(false);
        }
    }

    private static FileStream Open(string archive, string digest)
    {
        try
        {
            return HostOpen.ReadRegularFile(archive, HostOpen.Rule.Follow);
        }
        catch (IOException e)
        {
            throw new CapturedLayerException($"captured layer {digest}: cannot read its archive {archive}: {e.Message}", e);
        }
    }

    private static async Task CheckAsync(FileStream stream, string archive, string digest, CancellationToken cancellationToken)
    {
        var actual = await ContentDigest.OfStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        if (actual != digest)
        {
            throw new CapturedLayerException($"captured layer {digest}: its archive {archive} has digest {actual}: it was changed or replaced since the description was written");
        }
    }

    private static async Task WriteNodeAsync(TarWriter writer, Microsoft.Win32.SafeHandles.SafeFileHandle directory, FileChange node, CancellationToken cancellationToken)
    {
        var status = node.After ?? throw new ArgumentException($"{node.Path}: deleted; a deletion is a files step, not part of a captured layer", nameof(node));
        var name = node.Path.TrimStart('/');
        if (status.Type == NodeType.RegularFile)
        {
            // The status of the descriptor the content is read from: size, owner and mode match the bytes.
            var content = HostOpen.ReadRegularFile(name, HostOpen.Rule.BeneathNoSymlinks, directory);
            await using (content.ConfigureAwait(false))
            {
                var entry = Entry(TarEntryType.RegularFile, name, HostOpen.StatusOf(content.SafeFileHandle));
                entry.DataStream = content;
                await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var type = status.Type switch
        {
            NodeType.Directory => TarEntryType.Directory,
            NodeType.Symlink => TarEntryType.SymbolicLink,
            NodeType.Fifo => TarEntryType.Fifo,
            _ => throw new ArgumentException($"{node.Path}: a {status.Type} node; a captured layer holds files, directories, links and FIFOs", nameof(node)),
        };
        var other = Entry(type, type == TarEntryType.Directory ? name + "/" : name, status);
        if (type == TarEntryType.SymbolicLink)
        {
            other.LinkName = node.LinkTarget ?? throw new ArgumentException($"{node.Path}: a link without its target", nameof(node));
        }

        await writer.WriteEntryAsync(other, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An entry with numeric owners only and the modification time clamped, as <see cref="ReproducibleTree.TarArguments"/> writes them.</summary>
    private static PaxTarEntry Entry(TarEntryType type, string name, NodeStatus status) => new(type, name)
    {
        Uid = checked((int)status.Uid),
        Gid = checked((int)status.Gid),
        UserName = "",
        GroupName = "",
        Mode = status.Mode,
        ModificationTime = status.ModificationTime > ReproducibleTree.EpochTime ? ReproducibleTree.EpochTime : status.ModificationTime,
    };
}
