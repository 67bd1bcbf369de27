using Vse.Description.Merge;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Provenance;

namespace Vse.Description;

/// <summary>A layer as it took part in a resolution.</summary>
public sealed record LayerInfo(string Name, string File, bool Trusted);

/// <summary>
/// The result of merging a description with all its bases: content without directives, the
/// layers it came from, the site policy that governs it, and where every value came from.
/// </summary>
public sealed record ResolvedDescription(
    MapValue Content,
    string? Target,
    IReadOnlyList<LayerInfo> Layers,
    SitePolicy Policy,
    ProvenanceLog Provenance)
{
    private string? _digest;

    public string Name => (Content["name"] as ScalarValue)?.AsString ?? "";

    /// <summary>Layer names, base first, the file itself last.</summary>
    public IReadOnlyList<string> Lineage => Layers.Select(l => l.Name).ToList();

    /// <summary>SHA-256 of the canonical JSON of the content (lineage and digest excluded: equal meaning, equal digest).</summary>
    public string Digest => _digest ??= CanonicalJson.Digest(Content);

    /// <summary>The canonical JSON document of <c>vse resolve --json</c>: the content plus <c>lineage</c> and <c>digest</c>.</summary>
    public string ToCanonicalJson()
    {
        var members = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Content.Entries)
        {
            members[key] = CanonicalJson.Serialize(value);
        }

        members["digest"] = CanonicalJson.Quote(Digest);
        members["lineage"] = "[" + string.Join(",", Lineage.Select(CanonicalJson.Quote)) + "]";
        return "{" + string.Join(",", members.Select(m => CanonicalJson.Quote(m.Key) + ":" + m.Value)) + "}";
    }
}
