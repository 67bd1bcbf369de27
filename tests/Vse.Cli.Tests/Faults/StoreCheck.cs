using Microsoft.Data.Sqlite;
using Vse.Build.Digests;
using Vse.Build.Store;

namespace Vse.Cli.Tests.Faults;

/// <summary>
/// Whether a data directory's layer store and state database are whole: every layer in
/// <c>layers/</c> has a record that reads, names its own key and a parent that is there, and a
/// tree whose content digest is the one an uninterrupted build gave that key; the state database
/// passes SQLite's integrity check. A crash may leave work in <c>tmp/</c>, and only there.
/// </summary>
public static class StoreCheck
{
    /// <summary>Content digests of each layer's tree (<see cref="ContentDigest.OfTreeAsync"/>), by key: what a build that ran to its end stored.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> DigestsAsync(string vseHome)
    {
        var store = new LayerStore(Path.Combine(vseHome, "store"), LayerStoreAccess.ReadOnly);
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in store.LayerDirectoryNames())
        {
            digests[key] = await ContentDigest.OfTreeAsync(store.RootfsOf(key));
        }

        return digests;
    }

    /// <param name="reference">What <see cref="DigestsAsync"/> gave for an uninterrupted build of the same description.</param>
    /// <param name="collected">After <c>vse gc</c>: <c>tmp/</c> must be empty too.</param>
    /// <returns>One line per problem; empty when the store and the state are whole.</returns>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(string vseHome, IReadOnlyDictionary<string, string> reference, bool collected)
    {
        var problems = new List<string>();
        var store = new LayerStore(Path.Combine(vseHome, "store"), LayerStoreAccess.ReadOnly);
        if (Directory.Exists(store.LayersDirectory))
        {
            var keys = store.LayerDirectoryNames().ToHashSet(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                problems.AddRange(await LayerProblemsAsync(store, key, keys, reference));
            }

            problems.AddRange(store.StrayLayerNames().Select(name => $"layers/{name}: not a directory"));
        }

        if (collected && Directory.Exists(store.TemporaryDirectory) && Directory.EnumerateFileSystemEntries(store.TemporaryDirectory).Any())
        {
            problems.Add($"tmp/ not empty after gc: {string.Join(", ", Directory.EnumerateFileSystemEntries(store.TemporaryDirectory).Select(Path.GetFileName))}");
        }

        var database = Path.Combine(vseHome, "vse.db");
        if (File.Exists(database))
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly }.ToString());
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            var verdict = (string?)await command.ExecuteScalarAsync();
            if (verdict != "ok")
            {
                problems.Add($"vse.db: integrity_check says {verdict}");
            }
        }

        return problems;
    }

    private static async Task<IEnumerable<string>> LayerProblemsAsync(LayerStore store, string key, IReadOnlySet<string> keys, IReadOnlyDictionary<string, string> reference)
    {
        LayerRecord? record;
        try
        {
            record = store.Get(key);
        }
        catch (System.Text.Json.JsonException e)
        {
            return [$"layers/{key}: layer.json does not read: {e.Message}"];
        }

        if (record is null)
        {
            return [$"layers/{key}: no layer.json (a half-published layer)"];
        }

        var problems = new List<string>();
        if (record.Key != key)
        {
            problems.Add($"layers/{key}: its record names key {record.Key}");
        }

        if (record.Parent is { } parent && !keys.Contains(parent))
        {
            problems.Add($"layers/{key}: its parent {parent} is not in the store");
        }

        if (!Directory.Exists(store.RootfsOf(key)))
        {
            problems.Add($"layers/{key}: no rootfs");
        }
        else if (!reference.TryGetValue(key, out var expected))
        {
            problems.Add($"layers/{key}: a key the uninterrupted build never made");
        }
        else if (await ContentDigest.OfTreeAsync(store.RootfsOf(key)) is var actual && actual != expected)
        {
            problems.Add($"layers/{key}: content {actual}, the uninterrupted build stored {expected}");
        }

        return problems;
    }
}
