using System.Globalization;

namespace Vse.Host.FileSystem;

/// <summary>
/// Digests of host files remembered by what <c>statx</c> says about them: device, inode, size,
/// modification and change time in nanoseconds. A file that still has all five is taken to have
/// the bytes it had, so a repeated build reads a stat and one small file instead of hashing the
/// file again (the busybox base's 2 MB binary on every <c>vse run</c>). The change time is the
/// part no user can set back: <c>touch -r</c> or <c>touch -d</c> restores a modification time,
/// but every write moves the change time; a file replaced by another has a new inode.
/// </summary>
/// <remarks>
/// One entry per file, named by device and inode, holding the rest of the key, the digest and the
/// path it was hashed at (which only <see cref="Prune"/> reads, to find the file again):
/// reading one is an open and a read of ~100 bytes, no database and no hashing (an entry's name
/// must not need SHA-256, or the cache would load OpenSSL itself). Entries are written to a
/// temporary file and renamed into place, so concurrent vse processes and a <c>kill -9</c> leave
/// either the old entry or the new one; anything that does not parse is ignored and rewritten. A
/// file whose change time is within <see cref="RacyWindow"/> of the moment it was looked at is
/// hashed but not remembered: file times tick at the kernel's coarse clock (a jiffy, 4-10 ms), so
/// a second write in the same tick, of the same size, would look unchanged (git's "racy clean"
/// problem). A change time older than that by more than a tick means any later write gets a later one.
/// </remarks>
/// <param name="directory">Where the entries are (created on the first write).</param>
/// <param name="temporaryDirectory">Where entries are written before the rename: on the same file system.</param>
public sealed class FileDigestCache(string directory, string temporaryDirectory)
{
    /// <summary>Format of an entry; an entry of any other format is ignored.</summary>
    private const string Format = "vse-file-digest-v2";

    /// <summary>How recent a change must be for the file not to be remembered (see the remarks): ten ticks of a 100 Hz kernel.</summary>
    public TimeSpan RacyWindow { get; init; } = DefaultRacyWindow;

    /// <summary>The default <see cref="RacyWindow"/>, which <c>ResolveCache</c> keeps too.</summary>
    public static TimeSpan DefaultRacyWindow { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether a change at <paramref name="changeTimeNanoseconds"/> is too close to <paramref name="lookedAt"/> to be told from a later one.</summary>
    public static bool IsRacy(long changeTimeNanoseconds, DateTimeOffset lookedAt, TimeSpan window) =>
        (lookedAt - window - DateTimeOffset.UnixEpoch).Ticks * 100 <= changeTimeNanoseconds;

    /// <summary>Where the entries are.</summary>
    public string Directory => directory;

    /// <summary>
    /// The digest of the file at <paramref name="hostPath"/> (a final symlink followed): remembered,
    /// or <paramref name="compute"/>d and remembered. Anything that is not a regular file is handed
    /// to <paramref name="compute"/> every time, which says what is wrong with it.
    /// </summary>
    public async Task<string> DigestOfAsync(string hostPath, Func<string, CancellationToken, Task<string>> compute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var lookedAt = DateTimeOffset.UtcNow;
        var before = Nodes.StatusOrNull(hostPath, followSymlink: true);
        if (before is not { Type: NodeType.RegularFile })
        {
            return await compute(hostPath, cancellationToken).ConfigureAwait(false);
        }

        var entry = EntryPath(before);
        var key = KeyOf(before);
        if (Read(entry) is { } remembered && remembered.Key == key)
        {
            return remembered.Digest;
        }

        var digest = await compute(hostPath, cancellationToken).ConfigureAwait(false);
        // Changed while it was read: the digest is of one of its versions, which is not worth keeping.
        if (Nodes.StatusOrNull(hostPath, followSymlink: true) is { } after && KeyOf(after) == key && EntryPath(after) == entry
            && !IsRacy(before.ChangeTimeNanoseconds, lookedAt, RacyWindow))
        {
            Write(entry, key, digest, Path.GetFullPath(hostPath));
        }

        return digest;
    }

    /// <summary>
    /// Removes the entries that can no longer be hit (<c>vse gc</c>): one whose file is gone from
    /// the path it was hashed at, is another node there, or has another stat than the one recorded
    /// (a changed file is hashed again and its entry written over only if it is hashed again at
    /// all), and one that does not read back whole or is of another format.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int Prune(CancellationToken cancellationToken) =>
        CacheEntryPruner.Prune(directory, entry =>
            Read(entry) is { } remembered
            && Nodes.StatusOrNull(remembered.Path, followSymlink: true) is { Type: NodeType.RegularFile } now
            && EntryPath(now) == entry && KeyOf(now) == remembered.Key, cancellationToken);

    private string EntryPath(NodeStatus status) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{status.FileSystemDevice:x}-{status.Inode:x}"));

    private static string KeyOf(NodeStatus status) =>
        string.Create(CultureInfo.InvariantCulture, $"{status.Size} {status.ModificationTimeNanoseconds} {status.ChangeTimeNanoseconds}");

    private static (string Key, string Digest, string Path)? Read(string entry)
    {
        string text;
        try
        {
            text = File.ReadAllText(entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // FORMAT SIZE MTIME CTIME DIGEST PATH\n; a digest has no space in it, the path (last) may.
        var fields = text.TrimEnd('\n').Split(' ', 6);
        return fields.Length == 6 && fields[0] == Format && fields[4].Length > 0 && fields.Skip(1).Take(3).All(IsNumber)
            ? (string.Join(' ', fields[1..4]), fields[4], fields[5])
            : null;
    }

    private static bool IsNumber(string field) => field.Length > 0 && field.All(char.IsAsciiDigit);

    /// <param name="path">The file's full path when it was hashed: only <see cref="Prune"/> reads it, to find the file again.</param>
    private void Write(string entry, string key, string digest, string path)
    {
        if (digest.Contains(' ', StringComparison.Ordinal) || digest.Contains('\n', StringComparison.Ordinal))
        {
            return;
        }

        // Remembering is an optimisation: a store it cannot write to just hashes every time.
        CacheEntryWriter.TryReplace(entry, temporaryDirectory, "file-digest", stream =>
        {
            using var writer = new StreamWriter(stream);
            writer.Write($"{Format} {key} {digest} {path}\n");
        });
    }
}
