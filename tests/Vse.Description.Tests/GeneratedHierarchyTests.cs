using System.Security.Cryptography;
using System.Text;
using Vse.Bench;
using Vse.Description.Layers;

namespace Vse.Description.Tests;

/// <summary>
/// The benchmark's generated 8-level, 10,000-key hierarchy (bench/Vse.Bench) resolves to exactly
/// what it did before the resolver was made faster: the same canonical JSON, the same provenance
/// (every path, every event, every location) and the same warnings. The temporary directory's name
/// is replaced by a fixed word before hashing (copy sources and locations name it). The fixed values were computed
/// by main at 226234c, before the resolve4 changes; a change to the resolver that alters any of them
/// changes a result, not only its speed.
/// </summary>
public sealed class GeneratedHierarchyTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("vse-generated-hierarchy-").FullName;

    [Fact]
    public void The_generated_hierarchy_resolves_to_the_content_provenance_and_warnings_main_gave()
    {
        var hierarchy = HierarchyGenerator.Write(directory);
        var options = new ResolveOptions(new SearchPath([hierarchy.Directory], Path.Combine(directory, "no-site"), null), HierarchyGenerator.Environment);

        var result = DescriptionResolver.Resolve(hierarchy.Leaf, options);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var resolved = result.Description!;
        Assert.Equal("e803d007d0d4e4f46cbd35de9444d1ec5dfdcc5485de667e588d0bda518dc513", Sha256(Relative(resolved.ToCanonicalJson())));
        Assert.Equal("b058ccee32d9ffeb8411fdbd60d5d9cd5a85e7f731189552bec42b14393528e7", Sha256(Relative(Provenance(resolved))));
        Assert.Equal("ae0ab9a63327c1323190854d7f0b461dfde45aaa60f88a61c1c96d356cae5e41", Sha256(string.Join("\n", result.Diagnostics.Select(d => Relative(d.ToString())))));
        Assert.Equal(hierarchy.ExpectedWarnings, result.Diagnostics.Count);
    }

    /// <summary>Every path's events, one line each: action, layer, location, value.</summary>
    private string Provenance(ResolvedDescription resolved)
    {
        var text = new StringBuilder();
        foreach (var path in resolved.Provenance.Paths)
        {
            foreach (var step in resolved.Provenance.For(path))
            {
                text.Append(path).Append(' ').Append(step.Action).Append(' ').Append(step.Layer).Append(' ')
                    .Append(step.Location).Append(' ').Append(step.Value?.ToString() ?? "-").Append('\n');
            }
        }

        return text.ToString();
    }

    private string Relative(string text) => text.Replace(directory, "HIERARCHY", StringComparison.Ordinal);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
