namespace Vse.Build.Images;

/// <summary>
/// A blob's content does not hash to the digest that names it: the archive is corrupt or was
/// tampered with, and none of it is used.
/// </summary>
public sealed class DigestMismatchException : IOException
{
    public DigestMismatchException(string archivePath, string blobPath, string expected, string actual)
        : base($"{archivePath}: blob '{blobPath}' has digest {actual}, expected {expected}; the archive is corrupt or was altered")
    {
        ArchivePath = archivePath;
        BlobPath = blobPath;
        Expected = expected;
        Actual = actual;
    }

    public string ArchivePath { get; }

    public string BlobPath { get; }

    public string Expected { get; }

    public string Actual { get; }
}
