using Microsoft.Data.Sqlite;
using Vse.State.Schema;

namespace Vse.State;

/// <summary>
/// The SQLite database (<c>vse.db</c>) that holds every configuration, deployment and instance.
/// Each operation opens its own connection, so one instance may be shared by threads, and
/// several vse processes may use the same file at once: WAL lets readers run beside a writer,
/// and every writer takes the write lock up front (<c>BEGIN IMMEDIATE</c>) so no two processes
/// interleave a read-modify-write.
/// </summary>
public sealed class StateDatabase
{
    /// <summary>How long a statement waits for another process's write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    // Pragmas that hold per connection, not per file, so every connection sets them.
    // synchronous=NORMAL is durable across a crash of vse in WAL mode; only a power loss may
    // drop the last commits, never corrupt the file.
    private const string ConnectionPragmas = """
        PRAGMA busy_timeout = 5000;
        PRAGMA foreign_keys = ON;
        PRAGMA synchronous = NORMAL;
        """;

    private readonly Lock _openGate = new();
    private readonly IReadOnlyList<string>? _deferredMigrations;
    private string? _connectionString;
    private Task? _opened;

    private StateDatabase(string path, int schemaVersion, IReadOnlyList<string>? deferredMigrations = null)
    {
        Path = path;
        SchemaVersion = schemaVersion;
        _deferredMigrations = deferredMigrations;
    }

    /// <summary>The newest schema version this library writes.</summary>
    public static int CurrentSchemaVersion => Migrations.All.Count;

    public string Path { get; }

    /// <summary>The schema version of the file once opened (always <see cref="CurrentSchemaVersion"/>).</summary>
    public int SchemaVersion { get; }

    /// <summary>
    /// The database at <paramref name="path"/>, opened (created, migrated) only by its first
    /// transaction: a command that finds everything it needs elsewhere (a one-shot run whose
    /// configuration <see cref="Configurations.ConfigurationSightings"/> vouches for) never loads
    /// SQLite. What <see cref="OpenAsync(string, CancellationToken)"/> would throw, the first
    /// transaction throws.
    /// </summary>
    public static StateDatabase Deferred(string path) =>
        new(System.IO.Path.GetFullPath(path), Migrations.All.Count, Migrations.All);

    /// <summary>Opens (creating if absent) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    /// <exception cref="StateSchemaException">The file is from a newer vse, or a migration failed (nothing was changed).</exception>
    /// <exception cref="StateDatabaseException">SQLite could not open or write the file.</exception>
    public static Task<StateDatabase> OpenAsync(string path, CancellationToken cancellationToken) =>
        OpenAsync(path, Migrations.All, cancellationToken);

    internal static async Task<StateDatabase> OpenAsync(string path, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        var database = new StateDatabase(System.IO.Path.GetFullPath(path), migrations.Count);
        await database.MigrateAsync(migrations, cancellationToken);
        return database;
    }

    private async Task MigrateAsync(IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await ConnectAsync(cancellationToken);

            // The journal mode is stored in the file, so setting it once per open is enough; it
            // cannot change inside a transaction, hence before the migration.
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode = WAL";
                await command.ExecuteScalarAsync(cancellationToken);
            }

            await Migrator.MigrateAsync(connection, migrations, cancellationToken);
        }
        catch (SqliteException exception)
        {
            throw new StateDatabaseException(Path, exception);
        }
    }

    /// <summary>For a <see cref="Deferred"/> database, the open that <see cref="OpenAsync(string, CancellationToken)"/> does, once; a failed or cancelled one is tried again by the next transaction.</summary>
    private Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_deferredMigrations is not { } migrations)
        {
            return Task.CompletedTask;
        }

        lock (_openGate)
        {
            if (_opened is null || _opened.IsFaulted || _opened.IsCanceled)
            {
                _opened = MigrateAsync(migrations, cancellationToken);
            }

            return _opened;
        }
    }

    /// <summary>Runs <paramref name="read"/> in a deferred transaction: one consistent snapshot, no write lock.</summary>
    internal async Task<T> ReadAsync<T>(
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            var result = await read(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException exception)
        {
            throw new StateDatabaseException(Path, exception);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a <c>BEGIN IMMEDIATE</c> transaction and commits it; an
    /// exception or cancellation rolls everything back.
    /// </summary>
    internal async Task<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> write,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);

            // Taking the write lock at BEGIN, not at the first write, is what keeps a
            // read-then-write from failing with SQLITE_BUSY_SNAPSHOT (which no busy timeout
            // can wait out) when another process committed in between.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await write(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException exception)
        {
            throw new StateDatabaseException(Path, exception);
        }
    }

    /// <summary>The <c>user_version</c> stored in the file now (for tests and <c>vse doctor</c>).</summary>
    internal Task<int> ReadUserVersionAsync(CancellationToken cancellationToken) =>
        ReadAsync((connection, transaction, ct) => Migrator.ReadUserVersionAsync(connection, transaction, ct), cancellationToken);

    /// <summary>
    /// Closing a file's last connection (every vse process, at exit, when the pool is cleared)
    /// would checkpoint the write-ahead log into <c>vse.db</c> and delete it: a checkpoint's two
    /// fsyncs, an unlink, and for the next process a new log whose header and directory are synced
    /// again: four fsyncs for every <c>vse run</c>, more than its records cost. The log stays
    /// instead; SQLite's automatic checkpoint folds it in every 1,000 pages (~4 MB), in whichever
    /// process commits then. A log left behind is as safe as a checkpointed one, for a clean exit
    /// and a kill alike: the next connection reads through it (committed transactions are in it).
    /// </summary>
    private static void KeepWriteAheadLogOnClose(SqliteConnection connection)
    {
        var result = SQLitePCL.raw.sqlite3_db_config(connection.Handle, SQLitePCL.raw.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, out _);
        if (result != SQLitePCL.raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite refused SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE ({result})", result);
        }
    }

    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken);
        return await ConnectAsync(cancellationToken);
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        // Mode and cache are SQLite's and Microsoft.Data.Sqlite's defaults (read-write-create; a
        // private cache, as no one enables the shared one), left out: an enum keyword is converted
        // through reflection both here and when the connection parses the string, ~0.5 ms of a
        // native vse's start (bench/RESULTS.md, "prep4"). Made at the first connection, not with
        // the instance: a deferred database that is never used never builds it.
        _connectionString ??= new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            KeepWriteAheadLogOnClose(connection);
            await using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
