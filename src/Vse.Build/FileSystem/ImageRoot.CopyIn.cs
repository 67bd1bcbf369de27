namespace Vse.Build.FileSystem;

public sealed partial class ImageRoot
{
    /// <summary>
    /// Copies a host file or directory tree into the image at <paramref name="imageDestination"/>
    /// (the copy's own path; with a trailing <c>/</c>, the directory to copy into). A directory
    /// is merged into an existing one, whose mode and owner stay as they are (copying ./etc
    /// into / must not change the image's /etc). Symlinks inside the tree are copied as symlinks; a
    /// symlink named as <paramref name="hostSource"/> itself is followed, like <c>cp -H</c> and a
    /// Dockerfile COPY, because the user named it to mean what it points to. Sockets, FIFOs and
    /// devices in the tree are skipped and counted; named as the source itself, they are refused
    /// (<see cref="CopySource"/>). Modification times are kept.
    /// </summary>
    /// <param name="mode">
    /// Permission bits for every file (directories also get the matching search bits); by
    /// default each file keeps its host mode.
    /// </param>
    /// <param name="owner">Owner of everything copied; by default the process's (root when building as root).</param>
    public async Task<CopyInResult> CopyInAsync(
        string hostSource,
        string imageDestination,
        UnixFileMode? mode = null,
        ImageOwner? owner = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostSource);
        ArgumentException.ThrowIfNullOrEmpty(imageDestination);
        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostSource));
        var (resolvedSource, status) = CopySource.Check(hostSource);
        if (status.IsDirectory && IsSameOrBelow(HostPath, resolvedSource))
        {
            throw new IOException($"copy source '{hostSource}' contains the image root '{HostPath}'; the copy would never end");
        }

        var destination = ImagePath.Normalize(imageDestination);
        if (imageDestination.EndsWith('/'))
        {
            destination = ImagePath.Combine(destination, Path.GetFileName(source));
        }

        var copier = new HostTreeCopier(this, mode, owner);
        await copier.CopyRootAsync(resolvedSource, status, destination, cancellationToken).ConfigureAwait(false);
        return copier.Result;
    }

    private static bool IsSameOrBelow(string path, string directory) =>
        path == directory || directory == "/" || path.StartsWith(directory + "/", StringComparison.Ordinal);
}
