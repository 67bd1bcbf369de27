using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vse.Build.Digests;

namespace Vse.Build.Images;

/// <summary>Reads the small JSON documents of an image archive: bounded in size, verified when digested.</summary>
internal static class ArchiveDocuments
{
    /// <summary>Manifests and configs are kilobytes; a "manifest" of gigabytes is an attack on memory.</summary>
    internal const int MaxDocumentBytes = 16 << 20;

    public static async Task<byte[]> ReadAsync(IArchiveFileSource source, string path, string what, CancellationToken cancellationToken)
    {
        var length = source.LengthOf(path)
            ?? throw new InvalidImageArchiveException(source.ArchivePath, $"{what} '{path}' is missing");
        if (length > MaxDocumentBytes)
        {
            throw new InvalidImageArchiveException(source.ArchivePath, $"{what} '{path}' is {length} bytes, more than a JSON document may be ({MaxDocumentBytes})");
        }

        var bytes = new byte[length];
        var stream = source.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        return bytes;
    }

    /// <summary>Reads the blob a descriptor names and checks its digest (and size, when given).</summary>
    public static async Task<byte[]> ReadVerifiedAsync(
        IArchiveFileSource source, Sha256Digest digest, long? size, string what, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(source, digest.BlobPath, what, cancellationToken).ConfigureAwait(false);
        Verify(source, digest.BlobPath, digest, bytes);
        if (size is { } expectedSize && expectedSize != bytes.Length)
        {
            throw new InvalidImageArchiveException(source.ArchivePath, $"{what} '{digest.BlobPath}' is {bytes.Length} bytes, its descriptor says {expectedSize}");
        }

        return bytes;
    }

    public static void Verify(IArchiveFileSource source, string path, Sha256Digest expected, ReadOnlySpan<byte> content)
    {
        var actual = ContentDigest.OfBytes(content);
        if (actual != expected.ToString())
        {
            throw new DigestMismatchException(source.ArchivePath, path, expected.ToString(), actual);
        }
    }

    public static T Parse<T>(IArchiveFileSource source, byte[] json, JsonTypeInfo<T> type, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw new InvalidImageArchiveException(source.ArchivePath, $"{what} is null");
        }
        catch (JsonException problem)
        {
            throw new InvalidImageArchiveException(source.ArchivePath, $"{what} is not valid: {problem.Message}");
        }
    }

    public static ImageConfig ToImageConfig(ImageConfigFileJson file) => new(
        file.Config?.Env ?? [],
        file.Config?.Entrypoint ?? [],
        file.Config?.Cmd ?? [],
        string.IsNullOrEmpty(file.Config?.WorkingDir) ? null : file.Config.WorkingDir,
        string.IsNullOrEmpty(file.Config?.User) ? null : file.Config.User,
        file.Os,
        file.Architecture);
}
