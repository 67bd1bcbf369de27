using Vse.Build.Interop;

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
        var fileType = type switch
        {
            NodeType.CharacterDevice => Libc.S_IFCHR,
            NodeType.BlockDevice => Libc.S_IFBLK,
            NodeType.Fifo => Libc.S_IFIFO,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a special node type"),
        };
        var (_, hostPath, parentHostPath) = PrepareEntry(imagePath, cancellationToken);
        RefuseDirectoryAt(imagePath, hostPath, type.ToString());
        var temporary = TemporaryPathIn(parentHostPath);
        var device = type == NodeType.Fifo ? 0 : Libc.MakeDevice(major, minor);
        if (Libc.Mknod(temporary, fileType | (uint)mode, device) != 0)
        {
            var error = Libc.LastError($"create {type}", imagePath);
            return error.HResult == Libc.EPERM ? null : throw error;
        }

        ReplaceWith(temporary, hostPath);
        return hostPath;
    }
}
