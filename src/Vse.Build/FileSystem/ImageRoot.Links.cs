using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

public sealed partial class ImageRoot
{
    /// <summary>
    /// Creates a symlink at <paramref name="at"/> pointing to <paramref name="target"/>, replacing
    /// whatever non-directory is there (an existing link is replaced, not followed). The target
    /// is stored as given: it is only ever interpreted later, within the root, so any target is
    /// safe for vse; tools that follow links on the host must resolve inside the image too.
    /// </summary>
    /// <returns>The host path of the link.</returns>
    public string Symlink(string target, string at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (target.Contains('\0'))
        {
            throw new UnsafePathException(target.Replace('\0', '?'), "a symlink target may not contain a NUL character");
        }

        var (_, hostPath, parentHostPath) = PrepareEntry(at, cancellationToken);
        RefuseDirectoryAt(at, hostPath, "symlink");
        var temporary = TemporaryPathIn(parentHostPath);
        File.CreateSymbolicLink(temporary, target);
        ReplaceWith(temporary, hostPath);
        return hostPath;
    }

    /// <summary>
    /// Creates a hard link at <paramref name="at"/> to the existing node
    /// <paramref name="existingInImage"/> (a final symlink there is linked as itself, as
    /// <c>ln</c> and tar do), replacing whatever non-directory is at <paramref name="at"/>.
    /// </summary>
    /// <returns>The host path of the new link.</returns>
    /// <exception cref="UnsafePathException"><paramref name="existingInImage"/> climbs out of the image.</exception>
    /// <exception cref="ImageConflictException"><paramref name="existingInImage"/> does not exist in the image or is a directory.</exception>
    public string HardLink(string existingInImage, string at, CancellationToken cancellationToken = default)
    {
        var existingHost = ResolveNoFollow(existingInImage, cancellationToken);
        var existing = Nodes.TryGetStatus(existingHost)
            ?? throw new ImageConflictException($"hard link target '{existingInImage}' does not exist in the image");
        if (existing.IsDirectory)
        {
            throw new ImageConflictException($"hard link target '{existingInImage}' is a directory");
        }

        var (_, hostPath, parentHostPath) = PrepareEntry(at, cancellationToken);
        var current = RefuseDirectoryAt(at, hostPath, "hard link");
        if (current is not null && current.IsSameNodeAs(existing))
        {
            return hostPath;
        }

        var temporary = TemporaryPathIn(parentHostPath);
        if (NodeOperations.HardLink(existingHost, temporary) is not 0 and var errno)
        {
            throw HostError.Of(errno, $"hard link '{existingInImage}' as", at);
        }

        ReplaceWith(temporary, hostPath);
        return hostPath;
    }

    private static NodeStatus? RefuseDirectoryAt(string imagePath, string hostPath, string what)
    {
        var status = Nodes.TryGetStatus(hostPath);
        return status is { IsDirectory: true }
            ? throw new ImageConflictException($"cannot create {what} '{imagePath}': a directory is there in the image")
            : status;
    }
}
