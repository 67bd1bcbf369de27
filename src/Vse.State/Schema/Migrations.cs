namespace Vse.State.Schema;

/// <summary>
/// Every schema change ever made, oldest first. Entry N brings the database from
/// <c>user_version</c> N to N + 1. Entries are never edited once released, only appended,
/// because databases in the field were migrated by the old text.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<string> All { get; } = [Migration001Initial.Sql, Migration002DescriptionPath.Sql];
}
