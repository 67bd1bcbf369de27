namespace Vse.Build.Images;

/// <summary>Chooses one image among the entries of an OCI index.</summary>
internal static class OciManifestSelector
{
    internal const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    private const string ReferenceTypeAnnotation = "vnd.docker.reference.type";

    /// <param name="reference">
    /// A ref name (<c>org.opencontainers.image.ref.name</c>, or its tag after the last ':'), to
    /// choose among several images; null to take the only one.
    /// </param>
    /// <param name="platform">Chooses among several images (of a multi-platform index).</param>
    public static OciDescriptorJson Select(
        IReadOnlyList<OciDescriptorJson>? entries, ImagePlatform platform, string? reference, string archivePath, string indexName)
    {
        // BuildKit stores provenance attestations as index entries with platform unknown/unknown.
        var candidates = (entries ?? []).Where(entry => !IsAttestation(entry)).ToList();
        if (candidates.Count == 0)
        {
            throw new InvalidImageArchiveException(archivePath, $"{indexName} lists no image");
        }

        if (reference is not null)
        {
            candidates = candidates.Where(entry => RefNameMatches(entry, reference)).ToList();
            if (candidates.Count == 0)
            {
                throw new InvalidImageArchiveException(
                    archivePath, $"{indexName} has no image named '{reference}'; it has: {Describe(entries!, RefNameOf)}");
            }
        }

        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        var matching = candidates
            .Where(entry => platform.Matches(entry.Platform?.Os, entry.Platform?.Architecture, entry.Platform?.Variant))
            .ToList();
        if (matching.Count == 1)
        {
            return matching[0];
        }

        if (matching.Count == 0 && candidates.All(entry => entry.Platform is not null))
        {
            throw new InvalidImageArchiveException(
                archivePath, $"{indexName} has no image for {platform}; it has: {Describe(candidates, PlatformOf)}");
        }

        // Several images that the platform cannot tell apart: only a name can.
        throw new InvalidImageArchiveException(
            archivePath, $"{indexName} holds several images; name one: {Describe(matching.Count > 0 ? matching : candidates, RefNameOf)}");
    }

    private static bool IsAttestation(OciDescriptorJson entry) =>
        entry.Annotations?.GetValueOrDefault(ReferenceTypeAnnotation) == "attestation-manifest"
        || (entry.Platform?.Os == "unknown" && entry.Platform?.Architecture == "unknown");

    private static bool RefNameMatches(OciDescriptorJson entry, string reference)
    {
        var name = RefNameOf(entry);
        return name is not null
            && (name == reference || (name.Contains(':') && name[(name.LastIndexOf(':') + 1)..] == reference));
    }

    private static string? RefNameOf(OciDescriptorJson entry) => entry.Annotations?.GetValueOrDefault(RefNameAnnotation);

    private static string? PlatformOf(OciDescriptorJson entry) =>
        entry.Platform is { } p ? new ImagePlatform(p.Os ?? "?", p.Architecture ?? "?", p.Variant).ToString() : null;

    private static string Describe(IEnumerable<OciDescriptorJson> entries, Func<OciDescriptorJson, string?> label) =>
        string.Join(", ", entries.Select(entry => label(entry) ?? entry.Digest ?? "?"));
}
