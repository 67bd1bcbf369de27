using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Exports;

/// <summary>
/// The <c>dir</c> export: a copy of the tree as live files on this host. Unlike the archive
/// exports it must not hand the host what an image may hold safely: character and block devices
/// are not created (a world-writable <c>dev/mem</c> from a base tarball would be the host's
/// memory), sockets neither, set-user-ID and set-group-ID bits are cleared on files and file
/// capabilities are not copied (an image's setuid-root shell would be a root shell for every
/// user of the host). Everything else is kept: owners (as root), modes, times, symlinks (as
/// links, never followed), hard links within the tree, FIFOs and other extended attributes.
/// The walk never follows a symlink and stays on the tree's file system (<see cref="TreeWalker"/>).
/// </summary>
internal sealed class DirectoryExport
{
    private const UnixFileMode SetIdBits = UnixFileMode.SetUser | UnixFileMode.SetGroup;

    /// <summary>While the copy runs, every directory is owner-only; the tree's modes are applied at the end.</summary>
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const string CapabilityAttribute = "security.capability";
    private const int CopyBufferSize = 1 << 20;

    private readonly Dictionary<(ulong Device, ulong Inode), string> copiedFiles = [];
    private readonly List<(string Path, NodeStatus Status)> directories = [];
    private int deviceNodesSkipped;
    private int socketsSkipped;
    private int setIdBitsCleared;
    private int capabilitiesDropped;

    private DirectoryExport()
    {
    }

    /// <param name="output">Must not exist yet; created owner-only and given the tree root's mode when complete.</param>
    public static async Task<ExportResult> WriteAsync(string rootfs, string output, CancellationToken cancellationToken)
    {
        var export = new DirectoryExport();
        await export.CopyAsync(rootfs, output, cancellationToken);
        return new ExportResult(export.deviceNodesSkipped, export.socketsSkipped, export.setIdBitsCleared, export.capabilitiesDropped);
    }

    private async Task CopyAsync(string rootfs, string output, CancellationToken cancellationToken)
    {
        foreach (var entry in TreeWalker.Walk(rootfs, FileSystemBoundary.Stay, cancellationToken))
        {
            var target = entry.RelativePath == "." ? output : Path.Combine(output, entry.RelativePath);
            var status = entry.Status;
            switch (status.Type)
            {
                case NodeType.Directory:
                    // A mount point inside the tree becomes an empty directory, as with cp -x.
                    Directory.CreateDirectory(target, OwnerOnly);
                    directories.Add((target, status));
                    CopyAttributes(entry.HostPath, target);
                    break;
                case NodeType.RegularFile:
                    await CopyFileAsync(entry.HostPath, status, target, cancellationToken);
                    break;
                case NodeType.Symlink:
                    File.CreateSymbolicLink(target, new FileInfo(entry.HostPath).LinkTarget
                        ?? throw new IOException($"'{entry.HostPath}' stopped being a symlink while it was exported"));
                    NodeMetadata.TrySetOwner(target, new ImageOwner(status.Uid, status.Gid));
                    NodeMetadata.SetModificationTime(target, status.ModificationTime);
                    break;
                case NodeType.Fifo:
                    if (NodeOperations.CreateSpecialNode(target, NodeType.Fifo, OwnerOnly) is not 0 and var errno)
                    {
                        throw HostError.Of(errno, "create FIFO", target);
                    }

                    FinishNode(entry.HostPath, status, target);
                    break;
                case NodeType.CharacterDevice or NodeType.BlockDevice:
                    deviceNodesSkipped++;
                    break;
                default:
                    socketsSkipped++;
                    break;
            }
        }

        // Deepest first, and after their contents: a 0555 directory must not refuse its own
        // children, and adding a child changes a directory's time.
        for (var i = directories.Count - 1; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (path, status) = directories[i];
            NodeMetadata.TrySetOwner(path, new ImageOwner(status.Uid, status.Gid));
            NodeMetadata.SetMode(path, status.Mode);
            NodeMetadata.SetModificationTime(path, status.ModificationTime);
        }
    }

    private async Task CopyFileAsync(string source, NodeStatus status, string target, CancellationToken cancellationToken)
    {
        // A second name of a file already copied is a hard link in the copy too.
        if (copiedFiles.TryGetValue((status.FileSystemDevice, status.Inode), out var first))
        {
            if (NodeOperations.HardLink(first, target) is not 0 and var errno)
            {
                throw HostError.Of(errno, "hard link", target);
            }

            return;
        }

        // Created owner-only and written before owner and mode are set, so no other user can
        // open it half-made; the mode it ends with never carries a set-ID bit.
        var output = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            BufferSize = CopyBufferSize,
            Options = FileOptions.Asynchronous,
        };
        var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (input.ConfigureAwait(false))
        {
            var copy = new FileStream(target, output);
            await using (copy.ConfigureAwait(false))
            {
                await input.CopyToAsync(copy, CopyBufferSize, cancellationToken);
            }
        }

        FinishNode(source, status, target);
        copiedFiles[(status.FileSystemDevice, status.Inode)] = target;
    }

    /// <summary>Owner, then mode (chown would clear set-ID bits, though none are left), attributes and time.</summary>
    private void FinishNode(string source, NodeStatus status, string target)
    {
        NodeMetadata.TrySetOwner(target, new ImageOwner(status.Uid, status.Gid));
        if ((status.Mode & SetIdBits) != 0)
        {
            setIdBitsCleared++;
        }

        NodeMetadata.SetMode(target, status.Mode & ~SetIdBits);
        CopyAttributes(source, target);
        NodeMetadata.SetModificationTime(target, status.ModificationTime);
    }

    private void CopyAttributes(string source, string target)
    {
        foreach (var (name, value) in ExtendedAttributes.Read(source))
        {
            if (name == CapabilityAttribute)
            {
                // A file capability is a privilege like a set-user-ID bit (cap_setuid+ep is root).
                capabilitiesDropped++;
                continue;
            }

            ExtendedAttributes.TryWrite(target, name, value);
        }
    }
}
