using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vse.State.Sql;

/// <summary>How values cross between .NET and the database's columns, in one place.</summary>
internal static class SqlValues
{
    // UTC round-trip text: sorts chronologically as a string and reads back to the same instant.
    public static string Timestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ReadTimestamp(SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public static string? ReadNullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? ReadNullableInt32(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static void Add(this SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    /// <summary>SQLITE_CONSTRAINT_FOREIGNKEY: a row still referenced, or a reference to no row.</summary>
    public static bool IsForeignKeyViolation(SqliteException exception) => exception.SqliteExtendedErrorCode == 787;
}
