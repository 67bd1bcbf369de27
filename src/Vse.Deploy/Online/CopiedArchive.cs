using System.Formats.Tar;

namespace Vse.Deploy.Online;

/// <summary>
/// The archive an instance sends for <c>vse cp DEP/I:PATH HOSTPATH</c>, checked before the host
/// extracts a byte of it: the instance (its tar, its files) is not trusted. Every entry must lie
/// under the one name asked for, name no <c>..</c>, hard-link only within that tree, write
/// nothing through a symlink the archive itself made, and be a file, directory, symlink, hard
/// link or FIFO (no device nodes reach the host).
/// </summary>
public static class CopiedArchive
{
    /// <summary>Throws <see cref="InstanceAccessException"/> at the first entry that breaks a rule.</summary>
    /// <param name="name">The one top-level name the archive may hold (the copied file or directory).</param>
    public static async Task CheckAsync(Stream archive, string name, CancellationToken cancellationToken)
    {
        var links = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = new TarReader(archive, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var path = Inside(entry.Name, name);
            if (links.Any(link => path.StartsWith(link + "/", StringComparison.Ordinal)))
            {
                throw Refused($"'{entry.Name}' lies beyond the symlink the archive made before it");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.Directory or TarEntryType.Fifo:
                    break;
                case TarEntryType.SymbolicLink:
                    links.Add(path);
                    break;
                case TarEntryType.HardLink:
                    Inside(entry.LinkName, name);
                    break;
                default:
                    throw Refused($"'{entry.Name}' is a {entry.EntryType}, which vse cp does not copy out of an instance");
            }
        }
    }

    /// <summary>The entry's path without a leading <c>./</c>; refused unless it is <paramref name="name"/> or below it.</summary>
    private static string Inside(string entryName, string name)
    {
        var path = entryName.StartsWith("./", StringComparison.Ordinal) ? entryName[2..] : entryName;
        path = path.TrimEnd('/');
        var parts = path.Split('/');
        if (path.StartsWith('/') || parts.Contains("..") || parts[0] != name)
        {
            throw Refused($"'{entryName}' is outside '{name}'");
        }

        return path;
    }

    private static InstanceAccessException Refused(string why) =>
        new($"the instance sent an archive that would leave the destination: {why}; nothing was copied");
}
