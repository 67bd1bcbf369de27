using BenchmarkDotNet.Attributes;
using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Merge;
using Vse.Description.Model;
using Vse.Description.Syntax;

namespace Vse.Bench;

/// <summary>
/// In-process cost of resolving the generated 8-level, 10,000-key hierarchy
/// (<see cref="HierarchyGenerator"/>), and of two of its parts: reading the YAML of all eight
/// files, and the digest (canonical JSON + SHA-256) of the resolved content. Target for
/// <see cref="Resolve"/>: under 50 ms.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[MaxColumn]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ResolveBenchmarks
{
    private string _directory = "";
    private GeneratedHierarchy _hierarchy = null!;
    private ResolveOptions _options = null!;
    private MapValue _content = MapValue.Empty;
    private ResolvedDescription _resolved = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"vse-bench-{Environment.ProcessId}");
        _hierarchy = HierarchyGenerator.Write(_directory);
        // The site directory does not exist: no layer is trusted, as for a user's own files.
        _options = new ResolveOptions(new SearchPath([_hierarchy.Directory], Path.Combine(_directory, "no-site"), null), HierarchyGenerator.Environment);
        var result = DescriptionResolver.Resolve(_hierarchy.Leaf, _options);
        _resolved = result.Description
            ?? throw new InvalidOperationException("the generated hierarchy does not resolve:\n" + string.Join("\n", result.Diagnostics));
        if (result.Diagnostics.Count != _hierarchy.ExpectedWarnings)
        {
            throw new InvalidOperationException($"expected {_hierarchy.ExpectedWarnings} warnings, got:\n" + string.Join("\n", result.Diagnostics));
        }

        _content = _resolved.Content;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>Everything <c>vse resolve</c> does in-process: lookup, read, check, merge, policy.</summary>
    [Benchmark(Baseline = true)]
    public ResolvedDescription? Resolve() => DescriptionResolver.Resolve(_hierarchy.Leaf, _options).Description;

    /// <summary>Resolve plus the canonical JSON document of <c>vse resolve --json</c> (digest included).</summary>
    [Benchmark]
    public string ResolveToJson() => DescriptionResolver.Resolve(_hierarchy.Leaf, _options).Description!.ToCanonicalJson();

    /// <summary>The digest alone: canonical JSON of the resolved content and its SHA-256.</summary>
    [Benchmark]
    public string Digest() => CanonicalJson.Digest(_content);

    /// <summary>YAML reading alone: the eight files into syntax trees (file I/O included, as in Resolve).</summary>
    [Benchmark]
    public int ReadYaml()
    {
        var diagnostics = new DiagnosticBag();
        var nodes = 0;
        foreach (var file in _hierarchy.Files)
        {
            nodes += YamlFileReader.ReadFile(file, ReaderLimits.Default, diagnostics) is null ? 0 : 1;
        }

        return diagnostics.HasErrors ? -1 : nodes;
    }
}
