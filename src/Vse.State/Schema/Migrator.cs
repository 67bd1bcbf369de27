using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vse.State.Schema;

/// <summary>Brings a database to the newest schema by applying the missing migrations in one transaction.</summary>
internal static class Migrator
{
    public static async Task<int> MigrateAsync(SqliteConnection connection, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        // IMMEDIATE: two vse processes opening a fresh database at once must not both see
        // version 0 and both create the tables.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await ReadUserVersionAsync(connection, transaction, cancellationToken);
        if (current > migrations.Count)
        {
            throw new StateSchemaException(
                $"the state database has schema version {current}, newer than the {migrations.Count} this vse knows; use a newer vse");
        }

        for (var version = current; version < migrations.Count; version++)
        {
            try
            {
                await ExecuteAsync(connection, transaction, migrations[version], cancellationToken);
            }
            catch (SqliteException exception)
            {
                throw new StateSchemaException(
                    $"migrating the state database to schema version {version + 1} failed: {exception.Message}", exception);
            }
        }

        if (current != migrations.Count)
        {
            // PRAGMA takes no parameters; the value is an int of ours, not input.
            await ExecuteAsync(
                connection,
                transaction,
                "PRAGMA user_version = " + migrations.Count.ToString(CultureInfo.InvariantCulture),
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return migrations.Count;
    }

    public static async Task<int> ReadUserVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
