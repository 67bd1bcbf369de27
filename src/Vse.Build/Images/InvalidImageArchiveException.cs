namespace Vse.Build.Images;

/// <summary>An image archive is malformed, incomplete, or does not hold the image asked for.</summary>
public sealed class InvalidImageArchiveException : IOException
{
    public InvalidImageArchiveException(string archivePath, string problem)
        : base($"{archivePath}: {problem}")
    {
        ArchivePath = archivePath;
        Problem = problem;
    }

    public string ArchivePath { get; }

    public string Problem { get; }
}
