using Microsoft.Data.Sqlite;

namespace Vse.State.Sql;

/// <summary>
/// Picks the one id a user's reference means from a query of <c>(id, rank)</c> rows: the best
/// rank wins (an exact id before a name, a name before a prefix), and several ids at the best
/// rank are ambiguous rather than guessed.
/// </summary>
internal static class RankedReference
{
    /// <returns>The id, or null when no row matched.</returns>
    /// <exception cref="AmbiguousReferenceException">Several ids share the best rank.</exception>
    public static async Task<string?> ResolveAsync(SqliteCommand command, string kind, string reference, CancellationToken cancellationToken)
    {
        var matches = new List<(string Id, long Rank)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                matches.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        if (matches.Count == 0)
        {
            return null;
        }

        var best = matches.Where(m => m.Rank == matches[0].Rank).Select(m => m.Id).Distinct(StringComparer.Ordinal).ToList();
        return best.Count == 1 ? best[0] : throw new AmbiguousReferenceException(kind, reference, best);
    }
}
