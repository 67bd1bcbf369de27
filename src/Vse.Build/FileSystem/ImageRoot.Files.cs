using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

public sealed partial class ImageRoot
{
    /// <inheritdoc cref="WriteFileAsync(string, Stream, UnixFileMode?, ImageOwner?, CancellationToken)"/>
    public Task<string> WriteFileAsync(
        string imagePath,
        ReadOnlyMemory<byte> content,
        UnixFileMode? mode = null,
        ImageOwner? owner = null,
        CancellationToken cancellationToken = default) =>
        WriteFileCoreAsync(imagePath, (stream, token) => stream.WriteAsync(content, token).AsTask(), mode, owner, cancellationToken);

    /// <summary>
    /// Creates or replaces a regular file, creating missing parent directories (0755). The new
    /// content is written to a temporary name and renamed into place, so a reader never sees a
    /// half-written file, and whatever non-directory was there (a symlink included) is replaced
    /// as a name: a symlink's target is never written through.
    /// </summary>
    /// <param name="mode">Permission bits; by default those of the file being replaced, else 0644.</param>
    /// <param name="owner">
    /// By default the owner of the file being replaced (when running as root), else the process's.
    /// Editing <c>/etc/shadow</c> must not make it world-readable or change its group.
    /// </param>
    /// <returns>The host path of the file.</returns>
    /// <exception cref="IOException">A directory is at <paramref name="imagePath"/>.</exception>
    public Task<string> WriteFileAsync(
        string imagePath,
        Stream content,
        UnixFileMode? mode = null,
        ImageOwner? owner = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteFileCoreAsync(imagePath, (stream, token) => content.CopyToAsync(stream, token), mode, owner, cancellationToken);
    }

    private async Task<string> WriteFileCoreAsync(
        string imagePath,
        Func<Stream, CancellationToken, Task> writeContent,
        UnixFileMode? mode,
        ImageOwner? owner,
        CancellationToken cancellationToken)
    {
        var (_, hostPath, parentHostPath) = PrepareEntry(imagePath, cancellationToken);
        var existing = Nodes.TryGetStatus(hostPath);
        if (existing is { IsDirectory: true })
        {
            throw new ImageConflictException($"cannot write file '{imagePath}': a directory is there in the image");
        }

        var replaced = existing is { Type: NodeType.RegularFile } ? existing : null;
        var effectiveOwner = owner
            ?? (replaced is not null && Environment.IsPrivilegedProcess ? new ImageOwner(replaced.Uid, replaced.Gid) : null);
        var temporary = TemporaryPathIn(parentHostPath);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Options = FileOptions.Asynchronous,
                // Private until its final mode is set: the content may be a secret.
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            await using (var stream = new FileStream(temporary, options))
            {
                await writeContent(stream, cancellationToken).ConfigureAwait(false);
            }

            ApplyOwnerAndMode(temporary, effectiveOwner, mode ?? replaced?.Mode ?? DefaultFileMode);
        }
        catch
        {
            TryDeleteFile(temporary);
            throw;
        }

        ReplaceWith(temporary, hostPath);
        return hostPath;
    }
}
