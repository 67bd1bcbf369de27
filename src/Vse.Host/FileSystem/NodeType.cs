namespace Vse.Host.FileSystem;

/// <summary>The kind of a filesystem node, as <c>lstat</c> sees it (symlinks not followed).</summary>
public enum NodeType
{
    RegularFile,
    Directory,
    Symlink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
}
