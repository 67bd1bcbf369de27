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
/// result against site policy: the site-wide policy file's and that of every trusted layer. Pure: it reads files and starts no process.
/// </summary>
public static class DescriptionResolver
{
    public static ResolveResult Resolve(string file, ResolveOptions options)
    {
        var diagnostics = new DiagnosticBag();
        var trust = new TrustEvaluator(options.SearchPath.SiteDirectory);
        InterpolationContext? interpolation = null;
        var files = new DescriptionLoader<LayerReading>(options.SearchPath, options.Limits, trust, diagnostics, loaded =>
        {
            // The given file is parsed first, and its name is ${vse.name} in every layer.
            interpolation ??= new InterpolationContext(loaded.Name, options.Target ?? "", options.Environment);
            var found = new DiagnosticBag();
            return new LayerReading(loaded.Path, LayerReader.Read(loaded, interpolation, options.Target, found), found.Items);
        }).Load(file);
        if (files is null)
        {
            return new ResolveResult(null, diagnostics.Items);
        }

        // Read before the layers, and applied before them: its locks bind every layer, and its
        // rules hold whatever the description extends (or whether it extends anything).
        var siteWidePath = HostPaths.Canonicalize(SiteWidePolicy.PathIn(trust.SiteDirectory));
        var siteWide = SiteWidePolicy.Load(trust, options.Limits, diagnostics);
        var root = files[^1];
        // The layers were read as their files were parsed; their problems are told after the
        // loader's and the site-wide policy's, in merge order, as if read now.
        foreach (var reading in files)
        {
            diagnostics.AddRange(reading.Diagnostics);
        }

        var layers = files.Select(f => f.Layer).OfType<Layer>().ToList();
        if (options.Target is { } target && !layers.Any(l => l.Targets.ContainsKey(target)))
        {
            var declared = layers.SelectMany(l => l.Targets.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            diagnostics.Error(DiagnosticCodes.UnknownTarget, SourceLocation.StartOf(root.Path),
                $"no layer declares target '{target}' (declared: {(declared.Count == 0 ? "none" : string.Join(", ", declared))})");
        }

        var provenance = new ProvenanceRecorder(ProvenanceEstimate.Paths(layers));
        var content = Merge(layers, siteWide, options.Target, provenance, diagnostics);
        var log = provenance.ToLog();
        SourceLocation Locate(string path) =>
            log.LastWrite(path)?.Location
            ?? log.PathsUnder(path).Select(p => log.For(p)[^1].Location).FirstOrDefault()
            ?? SourceLocation.StartOf(root.Path);

        content = ResolvedShape.WithDefaults(ResolvedShape.DropEmpty(content));
        ResolvedShape.CheckRequired(content, DescriptionSchema.Body, "", Locate, diagnostics);
        // A description may extend the site-wide file itself; its rules then count once.
        var layerRules = layers.Where(l => siteWide is null || HostPaths.Canonicalize(l.File) != siteWidePath).Select(l => l.Policy).OfType<PolicyRules>();
        var policy = new SitePolicy(siteWide is null ? layerRules.ToList() : [siteWide, .. layerRules]);
        diagnostics.AddRange(PolicyChecker.Check(content, policy, Locate));
        if (diagnostics.HasErrors)
        {
            return new ResolveResult(null, diagnostics.Items);
        }

        var infos = layers.Select(l => new LayerInfo(l.Name, l.File, l.Trusted)).ToList();
        return new ResolveResult(new ResolvedDescription(content, options.Target, infos, policy, log), diagnostics.Items);
    }

    private static MapValue Merge(IReadOnlyList<Layer> layers, PolicyRules? siteWide, string? target, ProvenanceRecorder provenance, DiagnosticBag diagnostics)
    {
        var merger = new Merger(provenance, diagnostics);
        var locks = new LockGuard();
        if (siteWide is not null)
        {
            locks.Add(siteWide);
        }

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
