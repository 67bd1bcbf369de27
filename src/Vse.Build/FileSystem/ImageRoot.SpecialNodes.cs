using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

public sealed partial class ImageRoot
{
    /// <summary>
    /// Creates a device node or FIFO at <paramref name="imagePath"/>, replacing whatever
    /// non-directory is there.
    /// </summary>
    /// <returns>The host path, or null when the kernel refused (EPERM: devices need real root).</returns>
    internal string? CreateSpecialNode(
        string imagePath, NodeType type, UnixFileMode mode, uint major, uint minor, CancellationToken cancellationToken)
    {
        if (type is not (NodeType.CharacterDevice or NodeType.BlockDevice or NodeType.Fifo))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "not a special node type");
        }

        var (_, hostPath, parentHostPath) = PrepareEntry(imagePath, cancellationToken);
        RefuseDirectoryAt(imagePath, hostPath, type.ToString());
        var temporary = TemporaryPathIn(parentHostPath);
        if (NodeOperations.CreateSpecialNode(temporary, type, mode, major, minor) is not 0 and var errno)
        {
            return errno == HostError.NotPermitted ? null : throw HostError.Of(errno, $"create {type}", imagePath);
        }

        ReplaceWith(temporary, hostPath);
        return hostPath;
    }
}
