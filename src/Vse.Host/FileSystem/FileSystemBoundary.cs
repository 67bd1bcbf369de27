namespace Vse.Host.FileSystem;

/// <summary>Whether a <see cref="TreeWalker"/> walk enters directories on another file system (mount points).</summary>
public enum FileSystemBoundary
{
    /// <summary>Report a mount point, never enter it (<c>du -x</c>, <c>rm --one-file-system</c>): images and the store.</summary>
    Stay,

    /// <summary>Enter mount points, as <c>cp -a</c> does: a host tree copied as a base is hashed as it is copied.</summary>
    Cross,
}
