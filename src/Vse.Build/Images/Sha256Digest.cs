namespace Vse.Build.Images;

/// <summary>
/// A validated <c>sha256:HEX</c> digest. Digests come from untrusted JSON and become file
/// paths (<c>blobs/sha256/HEX</c>), so only exactly 64 lowercase hex digits are accepted:
/// <c>sha256:../../etc/passwd</c> is not a digest.
/// </summary>
internal readonly record struct Sha256Digest
{
    private const string Prefix = "sha256:";
    private const int HexLength = 64;

    private Sha256Digest(string hex) => Hex = hex;

    public string Hex { get; }

    public string BlobPath => "blobs/sha256/" + Hex;

    public static bool TryParse(string? value, out Sha256Digest digest)
    {
        digest = default;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal) || value.Length != Prefix.Length + HexLength)
        {
            return false;
        }

        var hex = value[Prefix.Length..];
        if (!IsLowerHex(hex))
        {
            return false;
        }

        digest = new Sha256Digest(hex);
        return true;
    }

    /// <exception cref="InvalidImageArchiveException">Not a sha256 digest.</exception>
    public static Sha256Digest Parse(string? value, string archivePath, string what) =>
        TryParse(value, out var digest)
            ? digest
            : throw new InvalidImageArchiveException(
                archivePath, $"{what} has digest '{value}', which is not sha256:<64 lowercase hex digits>");

    public static bool IsLowerHex(string value) =>
        value.Length == HexLength && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public override string ToString() => Prefix + Hex;
}
