using Vse.Host;

namespace Vse.Build.FileSystem;

/// <summary>
/// Resolving a path inside an image met more symlinks than <see cref="ImageRoot.MaxSymlinkHops"/>
/// (the kernel's ELOOP): a loop, or a chain long enough to be hostile.
/// </summary>
public sealed class SymlinkLoopException : IOException, IInputError
{
    public SymlinkLoopException(string path, int hops)
        : base($"too many levels of symbolic links (more than {hops}) resolving '{path}' in the image")
    {
        Path = path;
    }

    /// <summary>The image path whose resolution failed.</summary>
    public string Path { get; }
}
