using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

/// <summary>
/// A host directory that is an image's root filesystem, with operations whose paths come from
/// untrusted descriptions and archives.
/// <para>
/// Path rules (docs/build-safety.md): an image path is absolute inside the image; its <c>..</c>
/// segments are taken lexically, as written, and one that climbs above the root is refused
/// (<see cref="UnsafePathException"/>); symlinks met on the way are followed within the root,
/// as in a chroot (an absolute target starts at the image root, a relative one at the link's
/// directory, <c>..</c> in a target stops at the root), at most <see cref="MaxSymlinkHops"/> of
/// them; the final component is never followed when something is created or replaced there:
/// the link itself is replaced.
/// </para>
/// </summary>
public sealed partial class ImageRoot
{
    /// <summary>The kernel's limit on symlinks in one path resolution (Linux MAXSYMLINKS).</summary>
    public const int MaxSymlinkHops = 40;

    internal const UnixFileMode DefaultDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    internal const UnixFileMode DefaultFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly PathResolver resolver;

    /// <param name="hostPath">An existing directory; it is trusted (vse chose it), its content is not.</param>
    public ImageRoot(string hostPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        if (full == "/")
        {
            throw new ArgumentException("the host's own root cannot be an image root", nameof(hostPath));
        }

        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"image root '{full}' does not exist");
        }

        HostPath = full;
        resolver = new PathResolver(full, MaxSymlinkHops);
    }

    /// <summary>The absolute host path of the image's root directory.</summary>
    public string HostPath { get; }

    /// <summary>The host path that <paramref name="imagePath"/> names, every symlink followed within the root.</summary>
    /// <exception cref="UnsafePathException">The path climbs above the root.</exception>
    /// <exception cref="SymlinkLoopException">More than <see cref="MaxSymlinkHops"/> symlinks.</exception>
    public string Resolve(string imagePath, CancellationToken cancellationToken = default) =>
        resolver.Resolve(imagePath, ImagePath.Normalize(imagePath), followFinalSymlink: true, cancellationToken);

    /// <summary>Like <see cref="Resolve"/>, but a symlink in the final component names the link itself.</summary>
    public string ResolveNoFollow(string imagePath, CancellationToken cancellationToken = default) =>
        resolver.Resolve(imagePath, ImagePath.Normalize(imagePath), followFinalSymlink: false, cancellationToken);

    /// <summary>What is at <paramref name="imagePath"/> (a final symlink not followed), or null.</summary>
    public NodeStatus? TryGetStatus(string imagePath, CancellationToken cancellationToken = default) =>
        Nodes.TryGetStatus(ResolveNoFollow(imagePath, cancellationToken));

    /// <summary>Opens a file of the image for reading, following symlinks within the root.</summary>
    /// <exception cref="UnsafePathException">The path names a FIFO, a device, a socket or a directory: never read.</exception>
    public Stream OpenRead(string imagePath, CancellationToken cancellationToken = default)
    {
        var hostPath = Resolve(imagePath, cancellationToken);
        // An image may put a FIFO or /dev/zero where vse reads a file (edit, /etc/passwd):
        // opening the one blocks for ever, reading the other never ends.
        if (Nodes.TryGetStatus(hostPath) is { Type: not NodeType.RegularFile } status)
        {
            throw new UnsafePathException(imagePath, $"is a {status.Type.ToString().ToLowerInvariant()} in the image, not a regular file, so it is not read");
        }

        return new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
    }

    /// <summary>
    /// Normalizes <paramref name="imagePath"/> for creating a non-directory there: the parent
    /// directories exist afterwards, and the returned host path names the final component
    /// itself (a symlink there is not followed).
    /// </summary>
    private (string Normalized, string HostPath, string ParentHostPath) PrepareEntry(string imagePath, CancellationToken cancellationToken)
    {
        var normalized = ImagePath.Normalize(imagePath);
        if (normalized == ImagePath.Root)
        {
            throw new UnsafePathException(imagePath, "is the image root itself");
        }

        var parentHost = EnsureDirectory(imagePath, ImagePath.Parent(normalized), cancellationToken);
        return (normalized, parentHost + "/" + ImagePath.Name(normalized), parentHost);
    }

    /// <summary>Replaces <paramref name="destination"/> (whatever non-directory is there) by <paramref name="source"/> atomically.</summary>
    private static void ReplaceWith(string source, string destination)
    {
        if (NodeOperations.Rename(source, destination) is not 0 and var errno)
        {
            var error = HostError.Of(errno, "rename onto", destination);
            TryDeleteFile(source);
            throw error;
        }
    }

    private static string TemporaryPathIn(string directoryHostPath) =>
        directoryHostPath + "/.vse-" + Guid.NewGuid().ToString("N") + ".tmp";

    private static void TryDeleteFile(string hostPath)
    {
        try
        {
            File.Delete(hostPath);
        }
        catch (IOException)
        {
            // Best effort on a path that is already failing; the original error matters more.
        }
    }
}
