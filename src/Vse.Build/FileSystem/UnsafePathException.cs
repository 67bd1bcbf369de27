using Vse.Host;

namespace Vse.Build.FileSystem;

/// <summary>
/// A path from a description or an archive would leave the image root (or replace the root
/// itself). Raised before anything is written, so the image is never touched by such a path.
/// </summary>
public sealed class UnsafePathException : IOException, IInputError
{
    public UnsafePathException(string path, string reason)
        : base($"unsafe path '{path}': {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The offending path exactly as it was given.</summary>
    public string Path { get; }

    public string Reason { get; }
}
