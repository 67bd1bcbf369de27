namespace Vse.State;

/// <summary>SQLite failed underneath (disk full, I/O error, corruption, a lock held past the busy timeout).</summary>
public sealed class StateDatabaseException(string path, Exception innerException)
    : StateException($"state database {path}: {innerException.Message}", innerException)
{
    public string DatabasePath { get; } = path;
}
