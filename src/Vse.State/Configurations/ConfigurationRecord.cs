using System.Text.RegularExpressions;

namespace Vse.State.Configurations;

/// <summary>
/// A built configuration: the image that one resolved description (for one target) became.
/// </summary>
/// <param name="Id">The short id: the first 12 hex digits of <paramref name="DescriptionDigest"/> (see <see cref="ShortId"/>).</param>
/// <param name="Name">The description's name; several configurations may share it (edits, targets).</param>
/// <param name="DescriptionDigest">The resolved description's digest, <c>sha256:&lt;hex&gt;</c>.</param>
/// <param name="Target">The target it was resolved for, or null for none.</param>
/// <param name="TopLayerKey">The cache key of the last layer: the whole image.</param>
/// <param name="RootfsPath">Where the assembled root filesystem lives.</param>
/// <param name="SizeBytes">Size on disk, for <c>vse images</c>.</param>
/// <param name="LayerKeys">Every layer's key, base first; what <c>vse gc</c> must keep.</param>
/// <param name="DescriptionJson">The canonical resolved description (<c>/.vse/description.json</c>).</param>
/// <param name="LockJson">The lock (<c>/.vse/lock.json</c>): base digest, step keys, package versions.</param>
public sealed partial record ConfigurationRecord(
    string Id,
    string Name,
    string DescriptionDigest,
    string? Target,
    string TopLayerKey,
    string RootfsPath,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> LayerKeys,
    string DescriptionJson,
    string LockJson)
{
    /// <summary>Digits of the digest that make the short id: 48 bits, as Docker and git show.</summary>
    public const int ShortIdLength = 12;

    /// <summary>The short id of a digest <c>ALGORITHM:HEX</c>: its first <see cref="ShortIdLength"/> hex digits.</summary>
    /// <exception cref="ArgumentException">The digest is not <c>ALGORITHM:HEX</c> with at least 12 lowercase hex digits.</exception>
    public static string ShortId(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var match = DigestPattern().Match(digest);
        if (!match.Success)
        {
            throw new ArgumentException($"'{digest}' is not a digest of the form sha256:<lowercase hex>", nameof(digest));
        }

        return match.Groups["hex"].Value[..ShortIdLength];
    }

    [GeneratedRegex("^[a-z0-9]+:(?<hex>[0-9a-f]{12,})$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
