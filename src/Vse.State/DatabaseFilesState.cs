using System.Globalization;
using Vse.Host.FileSystem;

namespace Vse.State;

/// <summary>
/// What the state database's files are at one moment, as a string that any commit changes:
/// <c>vse.db</c>'s and <c>vse.db-wal</c>'s device, inode, size and modification time (ns), and the
/// log's 32-byte header. In WAL mode a commit appends frames to the log (its size grows) or, after
/// a checkpoint, starts the log over from its beginning with new salts in its header; a checkpoint
/// writes <c>vse.db</c>; deleting or replacing either file changes its inode. Readers change
/// neither file (only <c>vse.db-shm</c>, which is not part of this). Not the status change time:
/// SQLite run as root gives the log the database's owner on every open (a <c>fchown</c> to the
/// same owner), which sets it on every read.
/// </summary>
public static class DatabaseFilesState
{
    /// <summary>The log's header: magic, format, page size, checkpoint sequence, two salts, two checksums.</summary>
    private const int LogHeaderLength = 32;

    /// <returns>The state, or null when <paramref name="databasePath"/> does not exist (or cannot be looked at): nothing to vouch for.</returns>
    public static string? Of(string databasePath)
    {
        var database = Nodes.StatusOrNull(databasePath, followSymlink: false);
        if (database is null || database.Type != NodeType.RegularFile)
        {
            return null;
        }

        var logPath = databasePath + "-wal";
        var log = Nodes.StatusOrNull(logPath, followSymlink: false);
        if (log is null)
        {
            return $"{Describe(database)}|-";
        }

        return log.Type == NodeType.RegularFile ? $"{Describe(database)}|{Describe(log)}|{LogHeader(logPath)}" : null;
    }

    private static string Describe(NodeStatus status) =>
        string.Create(CultureInfo.InvariantCulture, $"{status.FileSystemDevice}:{status.Inode}:{status.Size}:{status.ModificationTimeNanoseconds}");

    private static string LogHeader(string logPath)
    {
        Span<byte> header = stackalloc byte[LogHeaderLength];
        try
        {
            using var handle = File.OpenHandle(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = RandomAccess.Read(handle, header, 0);
            return Convert.ToHexStringLower(header[..read]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone between the stat and the open: a state no later look can give again.
            return "gone:" + Guid.NewGuid().ToString("N");
        }
    }
}
