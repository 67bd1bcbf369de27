namespace Vse.Build.Images;

/// <summary>One layer of an image archive, in application order (base first).</summary>
/// <param name="Path">Where the blob is inside the archive.</param>
/// <param name="Digest"><c>sha256:HEX</c> of the blob as stored, when the archive names it (OCI always does).</param>
/// <param name="Size">Bytes of the blob as stored.</param>
/// <param name="DiffId"><c>sha256:HEX</c> of the uncompressed tar, from the image config, when known.</param>
public sealed record ImageLayer(string Path, string? Digest, string MediaType, long Size, string? DiffId);
