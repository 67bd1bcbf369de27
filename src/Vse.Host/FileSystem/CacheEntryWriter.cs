namespace Vse.Host.FileSystem;

/// <summary>
/// Writes one entry of a cache vse keeps beside its store (file digests, resolved descriptions,
/// the build memo) whole or not at all: the bytes go to a temporary file in the store's
/// <c>tmp/</c>, on the same file system, and are renamed over the entry, so concurrent vse
/// processes and a <c>kill -9</c> leave the old entry or the new one. Keeping an entry is an
/// optimisation: a store that cannot be written keeps nothing, and nothing fails.
/// </summary>
public static class CacheEntryWriter
{
    /// <param name="entry">The entry's path; its directory is made when missing.</param>
    /// <param name="temporaryDirectory">Where the bytes are written before the rename (vse gc empties it).</param>
    /// <param name="kind">The temporary file's name prefix, saying which cache left it.</param>
    /// <param name="write">Writes the entry's bytes to the stream it is given.</param>
    /// <returns>Whether the entry was written.</returns>
    public static bool TryReplace(string entry, string temporaryDirectory, string kind, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temporary = Path.Combine(temporaryDirectory, $"{kind}.{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(entry))!);
            using (var stream = File.Create(temporary))
            {
                write(stream);
            }

            File.Move(temporary, entry, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // Left in the temporary directory, which vse gc empties.
            }

            return false;
        }
    }
}
