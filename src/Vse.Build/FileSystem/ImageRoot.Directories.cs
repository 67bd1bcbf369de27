using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

public sealed partial class ImageRoot
{
    /// <summary>
    /// Creates a directory and its missing parents (parents get 0755). An existing directory
    /// is kept, and gets <paramref name="mode"/> and <paramref name="owner"/> when they are given.
    /// <para>
    /// A symlink in the final component is followed (within the root) only when it leads to an
    /// existing directory, as <c>mkdir -p</c> does: nothing is created or replaced then. A symlink
    /// that leads nowhere is not a directory, and nothing is created at its target.
    /// </para>
    /// </summary>
    /// <returns>The host path of the directory.</returns>
    public string CreateDirectory(
        string imagePath, UnixFileMode? mode = null, ImageOwner? owner = null, CancellationToken cancellationToken = default) =>
        CreateDirectoryCore(imagePath, mode, owner, applyToExisting: true, cancellationToken).HostPath;

    internal (string HostPath, bool Created) CreateDirectoryCore(
        string imagePath, UnixFileMode? mode, ImageOwner? owner, bool applyToExisting, CancellationToken cancellationToken)
    {
        var normalized = ImagePath.Normalize(imagePath);
        var hostPath = resolver.Resolve(imagePath, normalized, followFinalSymlink: false, cancellationToken);
        var status = Nodes.TryGetStatus(hostPath);
        if (status is { IsSymlink: true })
        {
            hostPath = resolver.Resolve(imagePath, normalized, followFinalSymlink: true, cancellationToken);
            status = Nodes.TryGetStatus(hostPath);
            if (status is not { IsDirectory: true })
            {
                throw new ImageConflictException($"'{imagePath}' is a symlink in the image that does not lead to a directory");
            }
        }

        if (status is null)
        {
            EnsureDirectory(imagePath, ImagePath.Parent(normalized), cancellationToken);
            Directory.CreateDirectory(hostPath);
            ApplyOwnerAndMode(hostPath, owner, mode ?? DefaultDirectoryMode);
            return (hostPath, true);
        }

        if (!status.IsDirectory)
        {
            throw new ImageConflictException($"'{imagePath}' exists in the image and is not a directory");
        }

        if (applyToExisting && (owner is not null || mode is not null))
        {
            ApplyOwnerAndMode(hostPath, owner, mode ?? status.Mode);
        }

        return (hostPath, false);
    }

    /// <summary>
    /// Makes sure the directory <paramref name="normalizedDirectory"/> exists, following every
    /// symlink within the root (it is a parent, so all its components are intermediate).
    /// Missing directories are created with mode 0755.
    /// </summary>
    /// <param name="originalPath">The path being worked on, for error messages.</param>
    /// <returns>The host path of the directory.</returns>
    internal string EnsureDirectory(string originalPath, string normalizedDirectory, CancellationToken cancellationToken)
    {
        var hostPath = resolver.Resolve(originalPath, normalizedDirectory, followFinalSymlink: true, cancellationToken);
        var missing = new Stack<string>();
        var current = hostPath;
        while (true)
        {
            var status = Nodes.TryGetStatus(current);
            if (status is { IsDirectory: true })
            {
                break;
            }

            if (status is not null)
            {
                throw new ImageConflictException(
                    $"cannot create '{originalPath}' in the image: '{current[HostPath.Length..]}' is not a directory");
            }

            missing.Push(current);
            current = current[..current.LastIndexOf('/')];
        }

        while (missing.TryPop(out var directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Directory.CreateDirectory(directory);
            NodeMetadata.SetMode(directory, DefaultDirectoryMode);
        }

        return hostPath;
    }

    /// <summary>Owner first: chown clears set-user-ID and set-group-ID bits that the mode may set.</summary>
    private static void ApplyOwnerAndMode(string hostPath, ImageOwner? owner, UnixFileMode mode)
    {
        if (owner is not null)
        {
            NodeMetadata.SetOwner(hostPath, owner);
        }

        NodeMetadata.SetMode(hostPath, mode);
    }
}
