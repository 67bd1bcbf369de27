using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

/// <summary>
/// The host path a <c>copy</c> step names, checked before anything reads it: it must be a regular
/// file or a directory (a symlink named as the source is followed to one). A device or a FIFO
/// is refused, not read: <c>/dev/zero</c> would never end, a FIFO would wait forever for a
/// writer, and neither has content an image could keep. Inside a copied tree they are skipped
/// and counted instead (<see cref="CopyInResult.SkippedSpecialFiles"/>), as the user did not name them.
/// </summary>
public static class CopySource
{
    /// <returns>The source with symlinks resolved, and its status.</returns>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="BuildInputException">It is not a regular file or a directory.</exception>
    public static (string Resolved, NodeStatus Status) Check(string hostSource)
    {
        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostSource));
        var resolved = new FileInfo(source).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? source;
        var status = Nodes.TryGetStatus(resolved)
            ?? throw new FileNotFoundException($"copy source '{hostSource}' does not exist", hostSource);
        if (status.Type is not (NodeType.RegularFile or NodeType.Directory))
        {
            throw new BuildInputException(
                $"copy source '{hostSource}' is {Describe(status.Type)}: vse copies regular files and directories (and symlinks to them), and never reads a device, FIFO or socket");
        }

        return (resolved, status);
    }

    private static string Describe(NodeType type) => type switch
    {
        NodeType.CharacterDevice => "a character device",
        NodeType.BlockDevice => "a block device",
        NodeType.Fifo => "a FIFO",
        NodeType.Socket => "a socket",
        _ => "not a regular file",
    };
}
