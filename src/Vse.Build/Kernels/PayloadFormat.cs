namespace Vse.Build.Kernels;

/// <summary>
/// A compression a bzImage's payload (or a module) may use: its magic bytes, the standard tool
/// that decompresses it and the Debian package of that tool. Decompression always goes from a
/// file to a file, since <see cref="Vse.Host.Processes.ExternalTool"/> reads a tool's output as text.
/// </summary>
/// <param name="Suffix">The file name suffix the tool expects, dot included.</param>
internal sealed record PayloadFormat(string Name, byte[] Magic, string Tool, string DebianPackage, string Suffix)
{
    public static readonly PayloadFormat Xz = new("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "xz-utils", ".xz");

    public static readonly PayloadFormat Lz4 = new("lz4", [0x02, 0x21, 0x4C, 0x18], "lz4", "lz4", ".lz4");

    public static readonly PayloadFormat Zstd = new("zstd", [0x28, 0xB5, 0x2F, 0xFD], "zstd", "zstd", ".zst");

    public static readonly PayloadFormat Gzip = new("gzip", [0x1F, 0x8B, 0x08], "gzip", "gzip", ".gz");

    /// <summary>Tried in this order: the formats Debian's kernels use first; gzip's short magic last, as it matches by chance most often.</summary>
    public static readonly IReadOnlyList<PayloadFormat> All = [Xz, Lz4, Zstd, Gzip];

    /// <summary>
    /// Arguments that decompress <paramref name="input"/> (named with <see cref="Suffix"/>) into
    /// <paramref name="output"/>, ignoring data after the compressed stream where the tool can:
    /// a bzImage's payload is followed by its size and then by more code.
    /// </summary>
    public IReadOnlyList<string> DecompressArguments(string input, string output) => Name switch
    {
        // xz and gzip write INPUT minus its suffix; --single-stream makes xz ignore what follows
        // the stream, gzip only warns about it (exit code 2).
        "xz" => ["-d", "-q", "-f", "-k", "--single-stream", input],
        "gzip" => ["-d", "-q", "-f", "-k", input],
        // lz4 keeps what it decoded when trailing data makes it fail; zstd deletes it, so the
        // extractor also offers zstd the payload cut to the length the bzImage header gives.
        "lz4" => ["-d", "-q", "-f", input, output],
        "zstd" => ["-d", "-q", "-f", input, "-o", output],
        _ => throw new InvalidOperationException($"unknown format {Name}"),
    };

    /// <summary>The format a compressed module's file name says, or null for a plain <c>.ko</c>.</summary>
    public static PayloadFormat? OfModule(string fileName) =>
        All.FirstOrDefault(format => fileName.EndsWith(".ko" + format.Suffix, StringComparison.Ordinal));
}
