using Microsoft.Data.Sqlite;
using Vse.State.Configurations;
using Vse.State.Schema;
using Vse.State.Tests.Support;

namespace Vse.State.Tests;

public sealed class StateDatabaseTests : IDisposable
{
    private readonly StateWorkspace _workspace = new();

    private string DatabasePath => Path.Combine(_workspace.Root, "vse.db");

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_new_database_gets_the_current_schema_in_wal_mode()
    {
        var database = await StateDatabase.OpenAsync(DatabasePath, CancellationToken.None);

        Assert.Equal(StateDatabase.CurrentSchemaVersion, await database.ReadUserVersionAsync(CancellationToken.None));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
        Assert.Equal(
            "configuration_layers,configurations,deployments,instances",
            await ScalarAsync("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)"));
    }

    [Fact]
    public async Task Opening_again_changes_nothing_and_keeps_the_data()
    {
        var first = await StateDatabase.OpenAsync(DatabasePath, CancellationToken.None);
        await new ConfigurationStore(first).UpsertAsync(StateWorkspace.Configuration("aa"), CancellationToken.None);

        var second = await StateDatabase.OpenAsync(DatabasePath, CancellationToken.None);

        Assert.Equal(Migrations.All.Count, await second.ReadUserVersionAsync(CancellationToken.None));
        Assert.Single(await new ConfigurationStore(second).ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Later_migrations_are_applied_in_order_on_top_of_earlier_ones()
    {
        await StateDatabase.OpenAsync(DatabasePath, Migrations.All, CancellationToken.None);
        string[] next = [.. Migrations.All, "CREATE TABLE extra (x INTEGER) STRICT", "INSERT INTO extra VALUES (42)"];

        var database = await StateDatabase.OpenAsync(DatabasePath, next, CancellationToken.None);

        Assert.Equal(Migrations.All.Count + 2, await database.ReadUserVersionAsync(CancellationToken.None));
        Assert.Equal(42L, await ScalarAsync("SELECT x FROM extra"));
    }

    [Fact]
    public async Task A_database_from_a_newer_vse_is_refused()
    {
        await StateDatabase.OpenAsync(DatabasePath, [.. Migrations.All, "SELECT 1"], CancellationToken.None);

        var error = await Assert.ThrowsAsync<StateSchemaException>(() => StateDatabase.OpenAsync(DatabasePath, CancellationToken.None));

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deferred_database_is_created_and_migrated_by_its_first_transaction_only()
    {
        var database = StateDatabase.Deferred(DatabasePath);

        Assert.False(File.Exists(DatabasePath));

        Assert.Equal(StateDatabase.CurrentSchemaVersion, await database.ReadUserVersionAsync(CancellationToken.None));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
        Assert.Empty(await new ConfigurationStore(database).ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_deferred_database_from_a_newer_vse_is_refused_by_every_transaction()
    {
        await StateDatabase.OpenAsync(DatabasePath, [.. Migrations.All, "SELECT 1"], CancellationToken.None);
        var database = StateDatabase.Deferred(DatabasePath);
        var store = new ConfigurationStore(database);

        await Assert.ThrowsAsync<StateSchemaException>(() => store.ListAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StateSchemaException>(() => store.FindAsync("abc", CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_migration_leaves_the_database_as_it_was()
    {
        await StateDatabase.OpenAsync(DatabasePath, CancellationToken.None);

        await Assert.ThrowsAsync<StateSchemaException>(
            () => StateDatabase.OpenAsync(DatabasePath, [.. Migrations.All, "CREATE TABLE half (x INTEGER)", "NOT SQL AT ALL"], CancellationToken.None));

        Assert.Equal((long)Migrations.All.Count, await ScalarAsync("PRAGMA user_version"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name = 'half'"));
    }

    [Fact]
    public async Task Foreign_keys_are_enforced_on_every_connection()
    {
        var database = await StateDatabase.OpenAsync(DatabasePath, CancellationToken.None);

        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys";

        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Closing_every_connection_keeps_the_log_and_the_next_open_reads_through_it()
    {
        var database = await StateDatabase.OpenAsync(DatabasePath, CancellationToken.None);
        var recorded = StateWorkspace.Configuration("aa");
        await new ConfigurationStore(database).UpsertAsync(recorded, CancellationToken.None);

        // What a vse process's exit does: the pool closes every connection. A checkpoint there
        // would have folded the log into vse.db and deleted it.
        SqliteConnection.ClearAllPools();

        Assert.True(new FileInfo(DatabasePath + "-wal").Length > 0, "the commit is still in the write-ahead log");
        var again = await StateDatabase.OpenAsync(DatabasePath, CancellationToken.None);
        Assert.Equal(recorded.Id, Assert.Single(await new ConfigurationStore(again).ListAsync(CancellationToken.None)).Id);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
