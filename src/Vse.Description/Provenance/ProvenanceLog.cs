using Vse.Description.Model;

namespace Vse.Description.Provenance;

/// <summary>
/// For every value path (<see cref="ValuePath"/>), the chain of layers that set, changed or
/// removed it, in merge order. Paths of removed values stay, so <c>vse explain</c> can say who
/// removed them.
/// </summary>
/// <remarks>A hash map plus a key order sorted on first use: resolving builds the log once and
/// mostly looks paths up, so it stays cheap for hierarchies with tens of thousands of values.</remarks>
public sealed class ProvenanceLog(IReadOnlyDictionary<string, IReadOnlyList<ProvenanceEvent>> events)
{
    private string[]? _sortedPaths;

    public static ProvenanceLog Empty { get; } = new(new Dictionary<string, IReadOnlyList<ProvenanceEvent>>());

    /// <summary>Every recorded path, in ordinal order.</summary>
    public IEnumerable<string> Paths => _sortedPaths ??= events.Keys.Order(StringComparer.Ordinal).ToArray();

    public IReadOnlyList<ProvenanceEvent> For(string path) => events.GetValueOrDefault(path) ?? [];

    /// <summary>The paths at or below <paramref name="prefix"/>, in order.</summary>
    public IEnumerable<string> PathsUnder(string prefix) => Paths.Where(p => ValuePath.IsAtOrBelow(p, prefix));

    /// <summary>Where the value at <paramref name="path"/> (or its nearest recorded ancestor) was last given.</summary>
    public ProvenanceEvent? LastWrite(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (For(p).LastOrDefault(e => e.Action != ProvenanceAction.Removed) is { } last)
            {
                return last;
            }
        }

        return null;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
