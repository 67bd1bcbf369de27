using System.Net;
using Vse.Build.Digests;

namespace Vse.Build.Bases;

/// <summary>
/// What a Debian base is made of, as the archive says it: the signed index (<c>InRelease</c>,
/// else <c>Release</c>) of every distribution mmdebstrap reads, which names the digest of every
/// package list and so of every package version it can install. The archive publishes a new
/// index exactly when one of them changes (a point release, a security or stable update), so a
/// base keyed by these files is rebuilt when, and only when, what it would install may differ:
/// not when the day turns, and always when the archive moves. A snapshot.debian.org mirror
/// never publishes a new index, so its base is built once.
/// </summary>
public static class DebianArchiveState
{
    /// <summary>Debian's mirror, as mmdebstrap uses it when none is given.</summary>
    public const string DefaultMirror = "http://deb.debian.org/debian";

    /// <summary>The security archive mmdebstrap adds for a stable suite when no mirror is given.</summary>
    public const string SecurityMirror = "http://security.debian.org/debian-security";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>One distribution of an archive: <c>MIRROR/dists/SUITE/</c>.</summary>
    public sealed record Distribution(Uri Mirror, string Suite)
    {
        public Uri Index(string name) => new($"{Mirror.AbsoluteUri.TrimEnd('/')}/dists/{Suite}/{name}");
    }

    /// <summary>
    /// The distributions mmdebstrap 1.3 reads for <paramref name="suite"/>: the mirror's own; with
    /// no mirror also <c>SUITE-updates</c> and the security archive's <c>SUITE-security</c>, which
    /// it adds for stable suites. They are listed for every suite: one that has no such
    /// distribution (sid) answers 404, counted as absent, so the list may name more than
    /// mmdebstrap reads, never less.
    /// </summary>
    /// <exception cref="UnsupportedBaseException"><paramref name="mirror"/> is not an http, https or file URL.</exception>
    public static IReadOnlyList<Distribution> DistributionsOf(string suite, string? mirror)
    {
        ArgumentNullException.ThrowIfNull(suite);
        if (mirror is null)
        {
            return
            [
                new Distribution(new Uri(DefaultMirror), suite),
                new Distribution(new Uri(DefaultMirror), suite + "-updates"),
                new Distribution(new Uri(SecurityMirror), suite + "-security"),
            ];
        }

        if (!Uri.TryCreate(mirror, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "file"))
        {
            throw new UnsupportedBaseException(
                $"os.mirror '{mirror}' is not an http, https or file URL: vse keys a Debian base by the archive's InRelease, read from MIRROR/dists/SUITE/");
        }

        return [new Distribution(uri, suite)];
    }

    /// <summary>
    /// One digest of the indexes of <paramref name="distributions"/>, in order; a distribution
    /// the archive lacks (no InRelease, no Release) counts as absent.
    /// </summary>
    /// <exception cref="IOException">The archive could not be read (no network, a server error).</exception>
    public static async Task<string> DigestAsync(IReadOnlyList<Distribution> distributions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(distributions);
        var parts = new List<string>();
        foreach (var distribution in distributions)
        {
            var index = await ReadAsync(distribution.Index("InRelease"), cancellationToken)
                ?? await ReadAsync(distribution.Index("Release"), cancellationToken);
            parts.Add($"{distribution.Index("")} {(index is null ? "absent" : ContentDigest.OfBytes(index))}");
        }

        return ContentDigest.OfBytes(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', parts)));
    }

    /// <summary>
    /// <see cref="DigestAsync"/>, remembered in <paramref name="statesDirectory"/>; when the archive
    /// cannot be read (a node without a route to the mirror), the state last read there, so a
    /// base built before keeps its key offline and is not rebuilt (nothing could be installed
    /// anyway). Without a remembered state the archive's error stands.
    /// </summary>
    /// <exception cref="IOException">The archive could not be read and no state of it is remembered.</exception>
    public static async Task<string> DigestOrRememberedAsync(IReadOnlyList<Distribution> distributions, string? statesDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(distributions);
        if (statesDirectory is null)
        {
            return await DigestAsync(distributions, cancellationToken);
        }

        // One file per list of distributions, named by it: the same archive read for another suite is another state.
        var remembered = Path.Combine(statesDirectory, ContentDigest.OfBytes(
            System.Text.Encoding.UTF8.GetBytes(string.Join('\n', distributions.Select(d => d.Index(""))))).Replace(':', '-'));
        string digest;
        try
        {
            digest = await DigestAsync(distributions, cancellationToken);
        }
        catch (IOException) when (File.Exists(remembered))
        {
            return (await File.ReadAllTextAsync(remembered, cancellationToken)).Trim();
        }

        Directory.CreateDirectory(statesDirectory);
        // A name of this write's own, not the process's: the cells of one `vse test` build the same base at once.
        var written = remembered + ".tmp-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        await File.WriteAllTextAsync(written, digest + "\n", cancellationToken);
        File.Move(written, remembered, overwrite: true);
        return digest;
    }

    /// <returns>The file's bytes, or null when the archive has no such file.</returns>
    private static async Task<byte[]?> ReadAsync(Uri uri, CancellationToken cancellationToken)
    {
        if (uri.IsFile)
        {
            return File.Exists(uri.LocalPath) ? await File.ReadAllBytesAsync(uri.LocalPath, cancellationToken) : null;
        }

        try
        {
            using var response = await Http.GetAsync(uri, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new IOException($"cannot read {uri} (a Debian base is keyed by its archive's index): {e.Message}", e);
        }
    }
}
