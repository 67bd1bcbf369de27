using System.Formats.Tar;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Archives;

/// <summary>The state of applying one layer: what it created, and directory metadata held back until its end.</summary>
internal sealed class LayerApplication(ImageRoot root, bool privileged)
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueWhiteout = ".wh..wh..opq";

    /// <summary>
    /// Host paths this layer created. Whiteouts hide only what lower layers made (OCI image
    /// spec, "Whiteouts"), so a whiteout or opaque marker must spare these.
    /// </summary>
    private readonly HashSet<string> unpacked = new(StringComparer.Ordinal);

    /// <summary>
    /// Directory mode, owner and time are set after the last member: creating children changes
    /// a directory's time, and a 0555 directory would refuse its children to a non-root build.
    /// </summary>
    private readonly Dictionary<string, TarEntry> directoryMetadata = new(StringComparer.Ordinal);

    private int directories;
    private int files;
    private int symlinks;
    private int hardLinks;
    private int deviceNodes;
    private int fifos;
    private int whiteouts;
    private int opaqueDirectories;
    private int skippedDeviceNodes;
    private int skippedUnsupported;
    private int unmappedOwners;
    private long bytes;

    public ArchiveImportResult Result => new(
        directories, files, symlinks, hardLinks, deviceNodes, fifos, whiteouts, opaqueDirectories,
        skippedDeviceNodes, skippedUnsupported, unmappedOwners, bytes);

    public async Task ApplyAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Absolute member names are taken as relative to the root (tar's convention); '..'
        // that climbs out is refused by Normalize.
        var imagePath = ImagePath.Normalize(entry.Name);
        var name = ImagePath.Name(imagePath);
        if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(entry, imagePath, name, cancellationToken);
            return;
        }

        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                ApplyDirectory(entry, imagePath, cancellationToken);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                await ApplyRegularFileAsync(entry, imagePath, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.SymbolicLink:
                ApplySymlink(entry, imagePath, cancellationToken);
                break;
            case TarEntryType.HardLink:
                ApplyHardLink(entry, imagePath, cancellationToken);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                ApplySpecialNode(entry, imagePath, cancellationToken);
                break;
            case TarEntryType.GlobalExtendedAttributes:
                break;
            default:
                skippedUnsupported++;
                break;
        }
    }

    /// <summary>Sets the held-back directory metadata.</summary>
    public void Finish(CancellationToken cancellationToken)
    {
        foreach (var (hostPath, entry) in directoryMetadata)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Nodes.TryGetStatus(hostPath) is { IsDirectory: true })
            {
                ApplyOwner(hostPath, entry);
                NodeMetadata.SetMode(hostPath, entry.Mode);
                NodeMetadata.SetModificationTime(hostPath, entry.ModificationTime);
            }
        }
    }

    private void ApplyWhiteout(TarEntry entry, string imagePath, string name, CancellationToken cancellationToken)
    {
        var directory = ImagePath.Parent(imagePath);
        if (name == OpaqueWhiteout)
        {
            var directoryHost = root.Resolve(directory, cancellationToken);
            if (Nodes.TryGetStatus(directoryHost) is { IsDirectory: true })
            {
                RemoveLowerContents(directoryHost, cancellationToken);
            }

            opaqueDirectories++;
            return;
        }

        var hidden = name[WhiteoutPrefix.Length..];
        if (hidden is "" or "." or "..")
        {
            throw new UnsafePathException(entry.Name, "a whiteout must name one entry of its directory");
        }

        var hiddenPath = ImagePath.Combine(directory, hidden);
        if (!unpacked.Contains(root.ResolveNoFollow(hiddenPath, cancellationToken)))
        {
            root.Delete(hiddenPath, cancellationToken);
        }

        whiteouts++;
    }

    private void RemoveLowerContents(string directoryHost, CancellationToken cancellationToken)
    {
        foreach (var child in TreeWalker.Children(directoryHost, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!unpacked.Contains(child.HostPath))
            {
                TreeDeleter.Delete(child.HostPath, cancellationToken);
            }
            else if (child.Status.IsDirectory)
            {
                RemoveLowerContents(child.HostPath, cancellationToken);
            }
        }
    }

    private void ApplyDirectory(TarEntry entry, string imagePath, CancellationToken cancellationToken)
    {
        // A directory merges into a directory; anything else there (a symlink included) is replaced.
        var hostPath = root.ResolveNoFollow(imagePath, cancellationToken);
        if (Nodes.TryGetStatus(hostPath) is not { IsDirectory: true })
        {
            RemoveExisting(imagePath, hostPath, cancellationToken);
            hostPath = root.CreateDirectory(imagePath, cancellationToken: cancellationToken);
        }

        directoryMetadata[hostPath] = entry;
        unpacked.Add(hostPath);
        directories++;
    }

    private async Task ApplyRegularFileAsync(TarEntry entry, string imagePath, CancellationToken cancellationToken)
    {
        RemoveDirectoryAt(imagePath, cancellationToken);
        var written = await root.WriteFileAsync(imagePath, entry.DataStream ?? Stream.Null, entry.Mode, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (ApplyOwner(written, entry))
        {
            NodeMetadata.SetMode(written, entry.Mode);
        }

        NodeMetadata.SetModificationTime(written, entry.ModificationTime);
        unpacked.Add(written);
        files++;
        bytes += entry.Length;
    }

    private void ApplySymlink(TarEntry entry, string imagePath, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entry.LinkName))
        {
            throw new InvalidDataException($"symlink member '{entry.Name}' has no target");
        }

        RemoveDirectoryAt(imagePath, cancellationToken);
        var written = root.Symlink(entry.LinkName, imagePath, cancellationToken);
        ApplyOwner(written, entry);
        NodeMetadata.SetModificationTime(written, entry.ModificationTime);
        unpacked.Add(written);
        symlinks++;
    }

    private void ApplyHardLink(TarEntry entry, string imagePath, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entry.LinkName))
        {
            throw new InvalidDataException($"hard link member '{entry.Name}' has no target");
        }

        string target;
        try
        {
            target = ImagePath.Normalize(entry.LinkName);
        }
        catch (UnsafePathException problem)
        {
            throw new UnsafePathException(entry.LinkName, $"target of hard link '{entry.Name}' {problem.Reason}");
        }

        RemoveDirectoryAt(imagePath, cancellationToken);
        // Shares the target's inode, so owner, mode and time are the target's.
        unpacked.Add(root.HardLink(target, imagePath, cancellationToken));
        hardLinks++;
    }

    private void ApplySpecialNode(TarEntry entry, string imagePath, CancellationToken cancellationToken)
    {
        var isFifo = entry.EntryType == TarEntryType.Fifo;
        if (!isFifo && !privileged)
        {
            skippedDeviceNodes++;
            return;
        }

        var hostPath = root.ResolveNoFollow(imagePath, cancellationToken);
        RemoveExisting(imagePath, hostPath, cancellationToken);
        var type = entry.EntryType switch
        {
            TarEntryType.CharacterDevice => NodeType.CharacterDevice,
            TarEntryType.BlockDevice => NodeType.BlockDevice,
            _ => NodeType.Fifo,
        };
        var (major, minor) = entry is PosixTarEntry posix ? ((uint)posix.DeviceMajor, (uint)posix.DeviceMinor) : (0u, 0u);
        // The kernel's device numbers have 12 bits of major and 20 of minor; mknod refuses
        // others with EINVAL, which is the archive's fault, not the host's.
        if (major >= 1u << 12 || minor >= 1u << 20)
        {
            throw new InvalidDataException($"member '{entry.Name}': device number {(int)major}:{(int)minor} is not one Linux can hold");
        }

        var written = root.CreateSpecialNode(imagePath, type, entry.Mode, major, minor, cancellationToken);
        if (written is null)
        {
            skippedDeviceNodes++;
            return;
        }

        ApplyOwner(written, entry);
        NodeMetadata.SetMode(written, entry.Mode);
        NodeMetadata.SetModificationTime(written, entry.ModificationTime);
        unpacked.Add(written);
        if (isFifo)
        {
            fifos++;
        }
        else
        {
            deviceNodes++;
        }
    }

    /// <returns>True when the owner was changed (which clears set-user-ID bits, so the caller sets the mode again).</returns>
    private bool ApplyOwner(string hostPath, TarEntry entry)
    {
        if (!privileged)
        {
            return false;
        }

        if (NodeMetadata.TrySetOwner(hostPath, new ImageOwner((uint)entry.Uid, (uint)entry.Gid)))
        {
            return true;
        }

        unmappedOwners++;
        return false;
    }

    /// <summary>Files and links replace a directory wholesale, as in an overlay filesystem.</summary>
    private void RemoveDirectoryAt(string imagePath, CancellationToken cancellationToken)
    {
        var hostPath = root.ResolveNoFollow(imagePath, cancellationToken);
        if (Nodes.TryGetStatus(hostPath) is { IsDirectory: true })
        {
            RemoveExisting(imagePath, hostPath, cancellationToken);
        }
    }

    private void RemoveExisting(string imagePath, string hostPath, CancellationToken cancellationToken)
    {
        if (imagePath != ImagePath.Root && Nodes.TryGetStatus(hostPath) is not null)
        {
            root.Delete(imagePath, cancellationToken);
            directoryMetadata.Remove(hostPath);
        }
    }
}
