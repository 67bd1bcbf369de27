using System.Text.Json;
using Vse.Host.FileSystem;

namespace Vse.State.Configurations;

/// <summary>
/// The configurations last read from the state database by id, in a file beside it
/// (<c>vse.db-sightings</c>), each valid only while the database's files are exactly as they were
/// when it was read (<see cref="DatabaseFilesState"/>): a repeated <c>vse run</c>, <c>deploy</c> or
/// <c>build</c> finds its configuration there without loading SQLite (docs/build.md, "The configuration without the database").
/// Any commit changes the files' state, after which no sighting is used again until one is read
/// anew. The file is replaced whole (a temporary file renamed over it); one that cannot be read,
/// parsed or written costs a database read, never a wrong answer.
/// </summary>
public sealed class ConfigurationSightings
{
    /// <summary>The format; a file of another is ignored (and replaced by the next read).</summary>
    private const int Format = 1;

    /// <summary>More configurations than this read between two commits: the file starts over.</summary>
    private const int MaxSightings = 64;

    private readonly string _databasePath;
    private readonly string _temporaryDirectory;

    // The file as last read or written by this instance, and the state it is of: a second lookup
    // in one process (the preparation's "is it built?", then the recorder's) does not parse it again.
    private (string State, IReadOnlyDictionary<string, ConfigurationRecord> Sightings)? _last;

    /// <param name="databasePath">The state database (<see cref="VseHome.Database"/>).</param>
    /// <param name="temporaryDirectory">Where the file is written before its rename, on the same file system (<see cref="VseHome.Temp"/>, which <c>vse gc</c> empties).</param>
    public ConfigurationSightings(string databasePath, string temporaryDirectory)
    {
        _databasePath = databasePath;
        _temporaryDirectory = temporaryDirectory;
    }

    public ConfigurationSightings(VseHome home)
        : this(home.Database, home.Temp)
    {
    }

    /// <summary>The file: <c>vse.db-sightings</c>.</summary>
    public string FilePath => _databasePath + "-sightings";

    /// <summary>
    /// <see cref="ConfigurationStore.FindAsync"/> of <paramref name="id"/>, answered from the file
    /// when it holds a sighting taken while the database's files were as they are now; otherwise
    /// from <paramref name="store"/>, and the answer remembered when the files did not change
    /// while it was read and it is the configuration with exactly this id (nothing is remembered
    /// of a miss, or of a name or digest prefix that happens to look like an id).
    /// </summary>
    public async Task<ConfigurationRecord?> FindAsync(ConfigurationStore store, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(id);
        var before = DatabaseFilesState.Of(_databasePath);
        var seen = before is null ? null : Read(before);
        if (seen?.GetValueOrDefault(id) is { } sighted)
        {
            return sighted;
        }

        var found = await store.FindAsync(id, cancellationToken);
        // Taken before the read and again after it: the same state both times means no commit
        // came in between, so what was read is what the database holds in that state.
        if (found?.Id == id && before is not null && DatabaseFilesState.Of(_databasePath) == before)
        {
            var sightings = seen is null || seen.Count >= MaxSightings ? new Dictionary<string, ConfigurationRecord>(StringComparer.Ordinal) : new Dictionary<string, ConfigurationRecord>(seen, StringComparer.Ordinal);
            sightings[id] = found!;
            if (CacheEntryWriter.TryReplace(FilePath, _temporaryDirectory, "sightings", stream => ConfigurationSightingsCodec.Write(stream, Format, before, sightings)))
            {
                _last = (before, sightings);
            }
        }

        return found;
    }

    /// <summary>Removes the file (<c>vse gc</c>): the next read of each configuration writes it again.</summary>
    /// <returns>Whether there was one.</returns>
    public bool Forget()
    {
        _last = null;
        try
        {
            if (!File.Exists(FilePath))
            {
                return false;
            }

            File.Delete(FilePath);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <returns>The sightings taken in <paramref name="state"/>; null when the file is missing, unreadable, of another format or state.</returns>
    private IReadOnlyDictionary<string, ConfigurationRecord>? Read(string state)
    {
        if (_last is { } last && last.State == state)
        {
            return last.Sightings;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            var read = ConfigurationSightingsCodec.Read(bytes, Format, state);
            if (read is not null)
            {
                _last = (state, read);
            }

            return read;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            // Not written by this format's writer (renames leave no torn file): as if absent.
            return null;
        }
    }
}
