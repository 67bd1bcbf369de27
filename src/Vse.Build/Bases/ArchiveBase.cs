using Vse.Build.Archives;
using Vse.Build.Digests;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Images;

namespace Vse.Build.Bases;

/// <summary>
/// <c>tar:PATH</c> (a root filesystem tarball, plain or gzip) and <c>oci-archive:PATH</c>
/// (an OCI layout, as a directory or a tar, or a docker-archive): extracted safely inside the
/// new root; OCI layers are applied in order with their whiteouts. Cached by the archive's digest.
/// </summary>
/// <param name="digests">Where the archive's (or the layout's files') digests are remembered by their stat; null: hashed every time.</param>
public sealed class ArchiveBase(BaseSpec spec, FileDigestCache? digests = null) : IBaseProvider
{
    public async Task<string> IdentityAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(spec.Argument) && !Directory.Exists(spec.Argument))
        {
            throw new FileNotFoundException($"base archive '{spec.Argument}' does not exist", spec.Argument);
        }

        return $"{spec.Kind}:" + await ContentDigest.OfPathAsync(spec.Argument, digests, cancellationToken);
    }

    public async Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        var root = new ImageRoot(rootfs);
        if (spec.Kind == "tar")
        {
            await using var stream = File.OpenRead(spec.Argument);
            var result = await ArchiveImporter.ApplyAsync(root, stream, cancellationToken);
            onOutputLine?.Invoke($"extracted {spec.Argument}: {result}");
            return;
        }

        using var archive = await ImageArchiveOpener.OpenAsync(spec.Argument, cancellationToken: cancellationToken);
        var results = await archive.ExtractToAsync(root, cancellationToken);
        onOutputLine?.Invoke($"extracted {results.Count} layer(s) of {spec.Argument} ({archive.Format})");
    }
}
