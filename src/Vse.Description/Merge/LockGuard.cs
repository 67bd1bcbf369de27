using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Provenance;

namespace Vse.Description.Merge;

/// <summary>
/// Enforces <c>policy.lock</c>: a layer after the one that locked a path may not change the value
/// at or below it. It compares the locked values before and after each layer, so any way of
/// changing them (a new value, <c>null</c>, <c>KEY!</c> on a parent, a target block) is caught.
/// </summary>
internal sealed class LockGuard
{
    private readonly List<(LockedPath Lock, string LayerName)> _locks = [];

    public IReadOnlyList<string> Snapshot(MapValue content) => _locks.Select(l => Serialize(content, l.Lock)).ToList();

    public void Verify(IReadOnlyList<string> before, MapValue content, ProvenanceRecorder provenance, string file, DiagnosticBag diagnostics)
    {
        for (var i = 0; i < before.Count; i++)
        {
            var (locked, owner) = _locks[i];
            if (Serialize(content, locked) == before[i])
            {
                continue;
            }

            var offending = provenance.TouchedByLayer
                .FirstOrDefault(t => t.Action != ProvenanceAction.Restated
                    && (ValuePath.IsAtOrBelow(t.Path.ToString(), locked.Text) || ValuePath.IsAtOrBelow(locked.Text, t.Path.ToString())));
            diagnostics.Error(DiagnosticCodes.LockedValueChanged, offending.Location ?? SourceLocation.StartOf(file),
                $"'{locked.Text}' is locked by site policy ({owner} at {locked.Location}); this layer may not change it");
        }
    }

    public void Add(PolicyRules rules)
    {
        foreach (var locked in rules.Locks)
        {
            _locks.Add((locked, rules.LayerName));
        }
    }

    // An empty map, set or step list means (and hashes) the same as none (ResolvedShape.DropEmpty),
    // so writing `env: {}` where a locked env is absent changes nothing.
    private static string Serialize(MapValue content, LockedPath locked) =>
        PolicyChecker.Lookup(content, locked.Segments) is { } value
        && ResolvedShape.DropEmpty(MapValue.Empty.With("v", value))["v"] is { } tidy
            ? CanonicalJson.Serialize(tidy)
            : "";
}
