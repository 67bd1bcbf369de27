namespace Vse.Build.Images;

/// <summary>Opens an image archive whatever its format: what <c>oci-archive:PATH</c> resolves through.</summary>
public static class ImageArchiveOpener
{
    /// <summary>
    /// A directory is read as an OCI layout; a tar file (plain or gzip) as an OCI layout when it
    /// has <c>oci-layout</c> (Docker 25+ writes both, and the OCI index is the richer), else as a
    /// docker-archive when it has <c>manifest.json</c>.
    /// </summary>
    /// <param name="reference">Which image, when the archive holds several: an OCI ref name or tag, or a docker RepoTag.</param>
    public static async Task<ImageArchive> OpenAsync(
        string path, ImagePlatform? platform = null, string? reference = null, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(path))
        {
            return await OciLayoutReader.OpenDirectoryAsync(path, platform, reference, cancellationToken).ConfigureAwait(false);
        }

        var source = await TarArchiveSource.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        if (source.Exists(OciLayoutReader.LayoutFile))
        {
            return await OciLayoutReader.OpenOwningAsync(source, ImageArchiveFormat.OciArchive, platform, reference, cancellationToken).ConfigureAwait(false);
        }

        if (source.Exists(DockerArchiveReader.ManifestFile))
        {
            return await DockerArchiveReader.OpenOwningAsync(source, reference, cancellationToken).ConfigureAwait(false);
        }

        source.Dispose();
        throw new InvalidImageArchiveException(
            path, $"neither an OCI image layout (no {OciLayoutReader.LayoutFile}) nor a docker-archive (no {DockerArchiveReader.ManifestFile})");
    }
}
