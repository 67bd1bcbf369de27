namespace Vse.Host.FileSystem;

/// <summary>One node met by <see cref="TreeWalker"/>, as <c>lstat</c> saw it.</summary>
/// <param name="HostPath">The node's path on the host.</param>
/// <param name="RelativePath">Its path below the walk's root, <c>/</c>-separated; the root itself is <c>.</c>.</param>
/// <param name="Status">Its own status: a symlink is a symlink here, never what it points to.</param>
/// <param name="IsMountPoint">A directory on another file system than the root's; entered only when the walk crosses file systems.</param>
public sealed record TreeEntry(string HostPath, string RelativePath, NodeStatus Status, bool IsMountPoint)
{
    /// <summary>The last component of the path (the root's own name for the root).</summary>
    public string Name => Path.GetFileName(HostPath);
}
