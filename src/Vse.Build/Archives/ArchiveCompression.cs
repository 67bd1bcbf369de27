using System.IO.Compression;

namespace Vse.Build.Archives;

/// <summary>
/// Recognizes an archive's compression by its magic bytes, never by a file name or media type
/// (both lie: docker-archive layers named layer.tar may be gzip, and OCI media types are
/// optional in practice).
/// </summary>
public static class ArchiveCompression
{
    private static readonly byte[] Gzip = [0x1f, 0x8b];
    private static readonly byte[] Zstd = [0x28, 0xb5, 0x2f, 0xfd];
    private static readonly byte[] Xz = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    private static readonly byte[] Bzip2 = [0x42, 0x5a, 0x68];
    private static readonly byte[] Bzip2BlockStart = [0x31, 0x41];

    private const int MagicLength = 6;

    /// <summary>True when <paramref name="start"/> (the first bytes of a stream) is gzip.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> start) => start.StartsWith(Gzip);

    /// <summary>
    /// The uncompressed content of <paramref name="raw"/>: itself when it is not compressed,
    /// a decompressing stream when it is gzip. <paramref name="raw"/> stays owned by the caller
    /// and must outlive the returned stream.
    /// </summary>
    /// <exception cref="UnsupportedCompressionException">zstd, xz or bzip2.</exception>
    public static async Task<Stream> OpenDecompressedAsync(Stream raw, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var magic = new byte[MagicLength];
        var read = await raw.ReadAtLeastAsync(magic, MagicLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var start = magic.AsMemory(0, read);
        var replayed = new PrefixedReadStream(start, raw);
        var span = start.Span;
        if (span.StartsWith(Gzip))
        {
            return new GZipStream(replayed, CompressionMode.Decompress, leaveOpen: false);
        }

        if (span.StartsWith(Zstd))
        {
            throw new UnsupportedCompressionException("zstd");
        }

        if (span.StartsWith(Xz))
        {
            throw new UnsupportedCompressionException("xz");
        }

        if (IsBzip2(span))
        {
            throw new UnsupportedCompressionException("bzip2");
        }

        return replayed;
    }

    // "BZh" alone could begin a tar member name; the block size digit and the block magic cannot.
    private static bool IsBzip2(ReadOnlySpan<byte> start) =>
        start.Length >= MagicLength && start.StartsWith(Bzip2) && start[3] is >= (byte)'1' and <= (byte)'9'
        && start[4..].StartsWith(Bzip2BlockStart);
}
