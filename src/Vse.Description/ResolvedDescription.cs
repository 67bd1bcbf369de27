using System.Text;
using Vse.Description.Identity;
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
    private MapValue? _locationFree;

    public string Name => (Content["name"] as ScalarValue)?.AsString ?? "";

    /// <summary>Layer names, base first, the file itself last.</summary>
    public IReadOnlyList<string> Lineage => Layers.Select(l => l.Name).ToList();

    /// <summary>
    /// The content with every copy source replaced by the digest of what it copies
    /// (<see cref="LocationFreeForm"/>); read from the sources when first asked for.
    /// </summary>
    public MapValue LocationFreeContent => _locationFree ??= LocationFreeForm.Of(Content);

    /// <summary>
    /// SHA-256 of the canonical JSON of the location-free content (lineage and digest excluded:
    /// equal meaning, equal digest; where the description and its copy sources lie does not count).
    /// </summary>
    public string Digest => _digest ??= CanonicalJson.Digest(LocationFreeContent);

    /// <summary>
    /// Gives a description read back from the resolve cache the location-free form and digest it
    /// had when it was resolved, so the copy sources they were made of are not read again.
    /// </summary>
    internal void SeedIdentity(MapValue locationFree, string digest)
    {
        _locationFree = locationFree;
        _digest = digest;
    }

    /// <summary>The canonical JSON document of <c>vse resolve --json</c>: the content (copy sources as host paths, for people) plus <c>lineage</c> and <c>digest</c>.</summary>
    public string ToCanonicalJson() => Document(Content);

    /// <summary>The canonical JSON document of the location-free content: what <c>/.vse/description.json</c> holds.</summary>
    public string ToLocationFreeJson() => Document(LocationFreeContent);

    /// <remarks>Written into one builder: a string per member, joined and joined again, was ~2 MB
    /// of copies for a 10,000-key description, most of it on the large object heap.</remarks>
    private string Document(MapValue content)
    {
        // The content's members and the document's own two, in key order; the document's own win.
        var keys = content.Entries.Keys.Where(k => k is not ("digest" or "lineage")).Append("digest").Append("lineage").Order(StringComparer.Ordinal);
        var builder = new StringBuilder().Append('{');
        var first = true;
        foreach (var key in keys)
        {
            builder.Append(first ? "" : ",");
            first = false;
            CanonicalJson.WriteString(builder, key);
            builder.Append(':');
            switch (key)
            {
                case "digest":
                    CanonicalJson.WriteString(builder, Digest);
                    break;
                case "lineage":
                    builder.Append('[');
                    for (var i = 0; i < Layers.Count; i++)
                    {
                        builder.Append(i == 0 ? "" : ",");
                        CanonicalJson.WriteString(builder, Layers[i].Name);
                    }

                    builder.Append(']');
                    break;
                default:
                    CanonicalJson.Write(builder, content[key]!);
                    break;
            }
        }

        return builder.Append('}').ToString();
    }
}
