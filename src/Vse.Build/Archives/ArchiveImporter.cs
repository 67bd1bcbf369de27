using System.Formats.Tar;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Archives;

/// <summary>
/// Applies a tar stream (plain or gzip, recognized by its magic bytes) onto an image root as
/// one layer, with OCI whiteouts. Every member path goes through <see cref="ImageRoot"/>, so no
/// member can write outside the root, whatever its name or the symlinks before it.
/// </summary>
public static class ArchiveImporter
{
    /// <summary>
    /// Applies one layer. Ownership is kept and device nodes are created only when running as
    /// root; otherwise devices are skipped and counted in the result.
    /// </summary>
    /// <exception cref="UnsafePathException">A member name or hard link target climbs out of the image.</exception>
    /// <exception cref="SymlinkLoopException">A member path runs through too many symlinks.</exception>
    /// <exception cref="UnsupportedCompressionException">The layer is zstd, xz or bzip2.</exception>
    /// <exception cref="InvalidDataException">The stream is not a tar archive, or a link member has no target.</exception>
    /// <exception cref="ImageConflictException">A member does not fit what the image holds (a hard link to nothing, a file where a directory is needed).</exception>
    public static Task<ArchiveImportResult> ApplyAsync(ImageRoot root, Stream layer, CancellationToken cancellationToken = default) =>
        ApplyAsync(root, layer, Environment.IsPrivilegedProcess, cancellationToken);

    /// <param name="privileged">Whether to keep owners and create devices; a parameter so tests can play both roles.</param>
    internal static async Task<ArchiveImportResult> ApplyAsync(
        ImageRoot root, Stream layer, bool privileged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(layer);
        var tar = await ArchiveCompression.OpenDecompressedAsync(layer, cancellationToken).ConfigureAwait(false);
        await using (tar.ConfigureAwait(false))
        {
            var reader = new TarReader(tar, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                var application = new LayerApplication(root, privileged);
                while (await TarEntries.NextAsync(reader, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    await application.ApplyAsync(entry, cancellationToken).ConfigureAwait(false);
                }

                application.Finish(cancellationToken);
                return application.Result;
            }
        }
    }
}
