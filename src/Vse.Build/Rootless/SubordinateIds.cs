using System.Globalization;

namespace Vse.Build.Rootless;

/// <summary>
/// Reads <c>/etc/subuid</c> and <c>/etc/subgid</c> (shadow's <c>NAME_OR_ID:START:COUNT</c>
/// lines, see subuid(5)): the ids newuidmap and newgidmap let a user map into a user namespace.
/// </summary>
public static class SubordinateIds
{
    public const string UidFile = "/etc/subuid";
    public const string GidFile = "/etc/subgid";

    /// <summary>Where <see cref="SuggestedStart"/> starts looking, as useradd does (SUB_UID_MIN).</summary>
    private const uint FirstSuggested = 100_000;

    /// <summary>
    /// The first range of the user's (named or by numeric id, as newuidmap accepts both) that
    /// holds at least <paramref name="needed"/> ids; null when there is none.
    /// </summary>
    public static SubordinateRange? Find(IEnumerable<string> lines, string userName, uint id, uint needed) =>
        Parse(lines).Where(entry => entry.Owner == userName || entry.Owner == id.ToString(CultureInfo.InvariantCulture))
            .Select(entry => entry.Range)
            .FirstOrDefault(range => range.Count >= needed);

    /// <summary>A start for a new range of <paramref name="count"/> ids above every range in the files, for the fix a message suggests.</summary>
    public static uint SuggestedStart(IEnumerable<string> lines) =>
        (uint)Math.Max(FirstSuggested, Parse(lines).Select(entry => entry.Range.End).DefaultIfEmpty(0UL).Max());

    /// <summary>The file's lines, or none when it does not exist (a host that never gave out ranges).</summary>
    public static IReadOnlyList<string> ReadLines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    // Lines that do not read as NAME:START:COUNT are skipped, as newuidmap skips them.
    private static IEnumerable<(string Owner, SubordinateRange Range)> Parse(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var fields = line.Trim().Split(':');
            if (fields.Length == 3 && fields[0].Length > 0
                && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                yield return (fields[0], new SubordinateRange(start, count));
            }
        }
    }
}
