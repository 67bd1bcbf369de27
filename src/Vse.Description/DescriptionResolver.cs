using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Merge;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Provenance;
using Vse.Description.Schema;

namespace Vse.Description;

/// <summary>
/// Resolves a description file: finds its bases, reads and checks every layer, merges them in
/// order (each layer's target block right after it), enforces locks as it goes, then checks the
/// result against site policy. Pure: it reads files and starts no process.
/// </summary>
public static class DescriptionResolver
{
    public static ResolveResult Resolve(string file, ResolveOptions options)
    {
        var diagnostics = new DiagnosticBag();
        var trust = new TrustEvaluator(options.SearchPath.SiteDirectory);
        var files = new DescriptionLoader(options.SearchPath, options.Limits, trust, diagnostics).Load(file);
        if (files is null)
        {
            return new ResolveResult(null, diagnostics.Items);
        }

        var root = files[^1];
        var interpolation = new InterpolationContext(root.Name, options.Target ?? "", options.Environment);
        var layers = files.Select(f => LayerReader.Read(f, interpolation, options.Target, diagnostics)).OfType<Layer>().ToList();
        if (options.Target is { } target && !layers.Any(l => l.Targets.ContainsKey(target)))
        {
            var declared = layers.SelectMany(l => l.Targets.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            diagnostics.Error(DiagnosticCodes.UnknownTarget, SourceLocation.StartOf(root.Path),
                $"no layer declares target '{target}' (declared: {(declared.Count == 0 ? "none" : string.Join(", ", declared))})");
        }

        var provenance = new ProvenanceRecorder();
        var content = Merge(layers, options.Target, provenance, diagnostics);
        var log = provenance.ToLog();
        SourceLocation Locate(string path) =>
            log.LastWrite(path)?.Location
            ?? log.PathsUnder(path).Select(p => log.For(p)[^1].Location).FirstOrDefault()
            ?? SourceLocation.StartOf(root.Path);

        content = ResolvedShape.WithDefaults(ResolvedShape.DropEmpty(content));
        ResolvedShape.CheckRequired(content, DescriptionSchema.Body, "", Locate, diagnostics);
        var policy = new SitePolicy(layers.Select(l => l.Policy).OfType<PolicyRules>().ToList());
        diagnostics.AddRange(PolicyChecker.Check(content, policy, Locate));
        if (diagnostics.HasErrors)
        {
            return new ResolveResult(null, diagnostics.Items);
        }

        var infos = layers.Select(l => new LayerInfo(l.Name, l.File, l.Trusted)).ToList();
        return new ResolveResult(new ResolvedDescription(content, options.Target, infos, policy, log), diagnostics.Items);
    }

    private static MapValue Merge(IReadOnlyList<Layer> layers, string? target, ProvenanceRecorder provenance, DiagnosticBag diagnostics)
    {
        var merger = new Merger(provenance, diagnostics);
        var locks = new LockGuard();
        var content = MapValue.Empty;
        foreach (var layer in layers)
        {
            var before = locks.Snapshot(content);
            provenance.BeginLayer(layer.Name);
            content = merger.ApplyLayer(content, layer.Body);
            if (target is not null && layer.Targets.TryGetValue(target, out var targetPatch))
            {
                content = merger.ApplyLayer(content, targetPatch);
            }

            locks.Verify(before, content, provenance, layer.File, diagnostics);
            if (layer.Policy is { } rules)
            {
                locks.Add(rules);
            }
        }

        return content;
    }
}
