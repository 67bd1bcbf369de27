using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Images;

/// <summary>An image archive that is a directory on the host (an OCI image layout).</summary>
internal sealed class DirectoryArchiveSource : IArchiveFileSource
{
    private readonly string directory;

    public DirectoryArchiveSource(string directory)
    {
        this.directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(this.directory))
        {
            throw new DirectoryNotFoundException($"image layout directory '{directory}' does not exist");
        }
    }

    public string ArchivePath => directory;

    public bool Exists(string path) => File.Exists(HostPathOf(path));

    public long? LengthOf(string path)
    {
        var info = new FileInfo(HostPathOf(path));
        return info.Exists ? info.Length : null;
    }

    public Stream OpenRead(string path)
    {
        var hostPath = HostPathOf(path);
        return File.Exists(hostPath)
            ? new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan)
            : throw new InvalidImageArchiveException(directory, $"'{path}' is missing");
    }

    public void Dispose()
    {
    }

    // Paths here are built from validated digests, but the check costs nothing and keeps it so.
    private string HostPathOf(string path)
    {
        try
        {
            return directory + ImagePath.Normalize(path);
        }
        catch (UnsafePathException)
        {
            throw new InvalidImageArchiveException(directory, $"'{path}' points outside the archive");
        }
    }
}
