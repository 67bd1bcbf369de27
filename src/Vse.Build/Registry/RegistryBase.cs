using Vse.Build.Bases;
using Vse.Build.FileSystem;
using Vse.Build.Images;
using Vse.Description.Model;
using Vse.Host.FileSystem;

namespace Vse.Build.Registry;

/// <summary>
/// <c>os.base: docker://HOST[:PORT]/NAME[:TAG|@sha256:DIGEST]</c>: an image from a registry.
/// Its identity is its manifest digest (a tag is resolved to one, a digest is taken as it is),
/// so the base layer is cached by what the image is, and a build that finds it pulls nothing.
/// The pull names that digest, so it gets exactly the identified image (skopeo checks the
/// manifest against it and every blob against the manifest), into an OCI layout that is then
/// applied like <c>oci-archive:</c> (every blob's digest checked once more, layers in order
/// with their whiteouts).
/// </summary>
public sealed class RegistryBase(BaseSpec spec, string scratchDirectory) : IBaseProvider
{
    private readonly RegistryReference _reference = RegistryReference.Parse(spec.ToString());
    private string? _digest;

    public async Task<string> IdentityAsync(CancellationToken cancellationToken) =>
        "docker:" + await DigestAsync(cancellationToken);

    public async Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        var pinned = _reference.WithDigest(await DigestAsync(cancellationToken));
        var layout = Path.Combine(scratchDirectory, $"pull.{Guid.NewGuid():N}");
        try
        {
            await new Skopeo(verifyTls: null).PullAsync(pinned, layout, "base", onOutputLine, cancellationToken);
            using var archive = await ImageArchiveOpener.OpenAsync(layout, cancellationToken: cancellationToken);
            var results = await archive.ExtractToAsync(new ImageRoot(rootfs), cancellationToken);
            onOutputLine?.Invoke($"extracted {results.Count} layer(s) of {pinned}");
        }
        finally
        {
            TreeDeleter.Delete(layout, CancellationToken.None);
        }
    }

    private async Task<string> DigestAsync(CancellationToken cancellationToken) =>
        _digest ??= _reference.Digest ?? await new Skopeo(verifyTls: null).ManifestDigestAsync(_reference, cancellationToken);
}
