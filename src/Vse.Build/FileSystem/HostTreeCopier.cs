using Microsoft.Win32.SafeHandles;
using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

/// <summary>
/// Copies one host file or tree into an image. Symlinks inside the tree are copied as
/// symlinks (never followed: a link to the host's /etc must not pull the host's /etc in).
/// </summary>
internal sealed class HostTreeCopier(ImageRoot root, UnixFileMode? mode, ImageOwner? owner)
{
    private int files;
    private int directories;
    private int symlinks;
    private int skipped;
    private long bytes;

    // The directory the copy started from, held open: every file below it is opened relative to
    // it, with no symlink allowed on the way, so a directory of the tree swapped for a link to
    // /etc while the copy runs leads nowhere (the walk lists by path; the opens cannot follow).
    private SafeFileHandle? sourceRoot;
    private string sourceRootPath = "";

    public CopyInResult Result => new(files, directories, symlinks, skipped, bytes);

    /// <summary>Copies the tree (or file) at <paramref name="hostPath"/>, the copy's source as the user named it, resolved.</summary>
    public async Task CopyRootAsync(string hostPath, NodeStatus status, string imagePath, CancellationToken cancellationToken)
    {
        if (status.IsDirectory)
        {
            sourceRoot = HostOpen.PathOnly(hostPath, HostOpen.Rule.Follow);
            sourceRootPath = hostPath;
            if (!HostOpen.StatusOf(sourceRoot).IsSameNodeAs(status))
            {
                throw new IOException($"copy source '{hostPath}' changed while the copy began");
            }
        }

        try
        {
            await CopyAsync(hostPath, status, imagePath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sourceRoot?.Dispose();
            sourceRoot = null;
        }
    }

    public async Task CopyAsync(string hostPath, NodeStatus status, string imagePath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (status.Type)
        {
            case NodeType.Directory:
                await CopyDirectoryAsync(hostPath, status, imagePath, cancellationToken).ConfigureAwait(false);
                break;
            case NodeType.RegularFile:
                await CopyFileAsync(hostPath, status, imagePath, cancellationToken).ConfigureAwait(false);
                break;
            case NodeType.Symlink:
                CopySymlink(hostPath, status, imagePath, cancellationToken);
                break;
            default:
                skipped++;
                break;
        }
    }

    private async Task CopyDirectoryAsync(string hostPath, NodeStatus status, string imagePath, CancellationToken cancellationToken)
    {
        // Directories that already exist in the image are merged into and keep their mode and
        // owner: copying ./etc into / must not change the mode of the image's /etc.
        var (imageHostPath, created) = root.CreateDirectoryCore(
            imagePath, DirectoryModeFor(mode) ?? status.Mode, owner, applyToExisting: false, cancellationToken);
        directories++;
        foreach (var child in TreeWalker.Children(hostPath, cancellationToken))
        {
            await CopyAsync(child.HostPath, child.Status, ImagePath.Combine(imagePath, child.Name), cancellationToken).ConfigureAwait(false);
        }

        if (created)
        {
            // After the children: creating them changed the directory's time.
            NodeMetadata.SetModificationTime(imageHostPath, status.ModificationTime);
        }
    }

    private async Task CopyFileAsync(string hostPath, NodeStatus status, string imagePath, CancellationToken cancellationToken)
    {
        var source = sourceRoot is null
            ? HostOpen.ReadRegularFile(hostPath, HostOpen.Rule.Follow)
            : HostOpen.ReadRegularFile(Path.GetRelativePath(sourceRootPath, hostPath), HostOpen.Rule.BeneathNoSymlinks, sourceRoot);
        await using (source.ConfigureAwait(false))
        {
            if (!HostOpen.StatusOf(source.SafeFileHandle).IsSameNodeAs(status))
            {
                throw new IOException($"'{hostPath}' was replaced while the copy ran; nothing is copied from outside what was walked");
            }

            var written = await root.WriteFileAsync(imagePath, source, mode ?? status.Mode, owner, cancellationToken).ConfigureAwait(false);
            NodeMetadata.SetModificationTime(written, status.ModificationTime);
        }

        files++;
        bytes += status.Size;
    }

    private void CopySymlink(string hostPath, NodeStatus status, string imagePath, CancellationToken cancellationToken)
    {
        var target = new FileInfo(hostPath).LinkTarget
            ?? throw new IOException($"'{hostPath}' stopped being a symlink while it was copied");
        var written = root.Symlink(target, imagePath, cancellationToken);
        if (owner is not null)
        {
            NodeMetadata.SetOwner(written, owner);
        }

        NodeMetadata.SetModificationTime(written, status.ModificationTime);
        symlinks++;
    }

    /// <summary>
    /// A mode given for a copy is meant for its files; directories also get the search bit
    /// wherever the mode grants read, or a tree copied with 0644 could not be entered.
    /// </summary>
    internal static UnixFileMode? DirectoryModeFor(UnixFileMode? fileMode)
    {
        if (fileMode is not { } mode)
        {
            return null;
        }

        if (mode.HasFlag(UnixFileMode.UserRead))
        {
            mode |= UnixFileMode.UserExecute;
        }

        if (mode.HasFlag(UnixFileMode.GroupRead))
        {
            mode |= UnixFileMode.GroupExecute;
        }

        if (mode.HasFlag(UnixFileMode.OtherRead))
        {
            mode |= UnixFileMode.OtherExecute;
        }

        return mode;
    }
}
