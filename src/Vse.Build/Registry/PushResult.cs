namespace Vse.Build.Registry;

/// <summary>What a push did.</summary>
/// <param name="ManifestDigest">The digest of the manifest the registry stored: what <c>NAME@DIGEST</c> pulls.</param>
/// <param name="Layers">The image's layers, one per vse layer.</param>
/// <param name="LayersSent">Layers the registry lacked and was sent.</param>
/// <param name="BytesSent">Compressed bytes of the layers sent.</param>
/// <param name="BytesTotal">Compressed bytes of all layers.</param>
public sealed record PushResult(string ManifestDigest, int Layers, int LayersSent, long BytesSent, long BytesTotal);
