namespace Vse.Build.Images;

/// <summary>
/// The files of an image archive, by their slash-separated path inside it (no leading slash),
/// whether the archive is a directory or a tar file.
/// </summary>
internal interface IArchiveFileSource : IDisposable
{
    /// <summary>The archive's host path, for messages.</summary>
    string ArchivePath { get; }

    bool Exists(string path);

    /// <returns>The file's size, or null when there is no such file.</returns>
    long? LengthOf(string path);

    /// <exception cref="InvalidImageArchiveException">No such file in the archive.</exception>
    Stream OpenRead(string path);
}
