using System.Collections.Immutable;
using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Model;
using Vse.Description.Provenance;

namespace Vse.Description.Merge;

/// <summary>
/// Applies one layer's patches to the values merged so far, by the rule of each kind (DESIGN §2.2):
/// scalars replace; maps merge key by key and <c>null</c> removes (RFC 7386); sets add and remove
/// members; step lists append, replace a step with the same id in place, and drop
/// <c>{id, remove: true}</c>; <c>KEY!</c> replaces wholesale. Every effect is recorded as provenance.
/// </summary>
internal sealed class Merger(ProvenanceRecorder provenance, DiagnosticBag diagnostics)
{
    // Per step list path, the list the last layer left there and the positions of its ids, which
    // the next layer's merge takes over instead of indexing the whole list again (a dictionary of
    // ~1,500 ids per layer, ~0.5 MB per resolve of the 10,000-key hierarchy).
    private readonly Dictionary<string, (StepListValue List, Dictionary<string, int> IndexById)> _stepIndexes = new(StringComparer.Ordinal);

    public MapValue ApplyLayer(MapValue current, MapPatch patch) =>
        (MapValue?)Apply(current, patch, PathKey.Of(""), replace: false) ?? MapValue.Empty;

    /// <param name="path">Its text is made only for a map, set or step list (their members' parent), not for each scalar.</param>
    private DescriptionValue? Apply(DescriptionValue? current, Patch patch, PathKey path, bool replace)
    {
        if (replace && current is not null && patch is not RemovePatch)
        {
            RecordRemoval(current, path, patch.Location);
            current = null;
        }

        switch (patch)
        {
            case RemovePatch:
                if (current is not null)
                {
                    RecordRemoval(current, path, patch.Location);
                }

                return null;
            case ScalarPatch scalar:
                var action = current is null ? ProvenanceAction.Set
                    : Equals(current, scalar.Value) ? ProvenanceAction.Restated
                    : ProvenanceAction.Changed;
                provenance.Record(path, action, scalar.Location, scalar.Value);
                return scalar.Value;
            case MapPatch map:
                return ApplyMap(current as MapValue ?? MapValue.Empty, map, path.ToString());
            case SetPatch set:
                return ApplySet(current as SetValue ?? SetValue.Empty, set, path.ToString());
            case StepsPatch steps:
                return ApplySteps(current as StepListValue ?? StepListValue.Empty, steps, path.ToString());
            default:
                throw new InvalidOperationException($"unknown patch {patch.GetType().Name}");
        }
    }

    // A builder, not one copy per key: a layer of a large hierarchy sets thousands of keys. A patch
    // names each key once, so the value a key had before is the current map's (MapValueBuilder).
    private MapValue ApplyMap(MapValue current, MapPatch patch, string path)
    {
        var entries = new MapValueBuilder(current, patch.Entries.Count);
        // An index loop: a foreach over the list interface boxes an enumerator per map.
        for (var i = 0; i < patch.Entries.Count; i++)
        {
            var entry = patch.Entries[i];
            var merged = Apply(current[entry.Key], entry.Value, PathKey.Child(path, entry.Key), entry.Replace);
            if (merged is null)
            {
                entries.Remove(entry.Key);
            }
            else
            {
                entries.Set(entry.Key, merged);
            }
        }

        return entries.ToMap();
    }

    private SetValue ApplySet(SetValue current, SetPatch patch, string path)
    {
        var members = current.Members.ToBuilder();
        foreach (var member in patch.Add)
        {
            members.Add(member.Name);
            provenance.Record(PathKey.Member(path, member.Name), ProvenanceAction.Added, member.Location);
        }

        foreach (var member in patch.Remove)
        {
            if (!members.Remove(member.Name))
            {
                diagnostics.Warning(DiagnosticCodes.RemovedAbsentMember, member.Location, $"'{member.Name}' is not in '{path}', nothing to remove");
                continue;
            }

            provenance.Record(PathKey.Member(path, member.Name), ProvenanceAction.Removed, member.Location);
        }

        return new SetValue(members.ToImmutable());
    }

    private StepListValue ApplySteps(StepListValue current, StepsPatch patch, string path)
    {
        var steps = current.Steps.ToBuilder();
        var indexById = _stepIndexes.TryGetValue(path, out var last) && ReferenceEquals(last.List, current) ? last.IndexById : IndexById(steps);
        foreach (var step in patch.Steps)
        {
            var index = step.Id is not null && indexById.TryGetValue(step.Id, out var found) ? found : -1;
            if (step.Remove)
            {
                if (index < 0)
                {
                    diagnostics.Warning(DiagnosticCodes.RemovedAbsentStep, step.Location, $"no step with id '{step.Id}' in '{path}', nothing to remove");
                    continue;
                }

                provenance.Record(PathKey.Member(path, steps[index].Key), ProvenanceAction.Removed, step.Location);
                steps.RemoveAt(index);
                indexById.Remove(step.Id!);
                ShiftDown(indexById, steps, index);
                continue;
            }

            var value = new Step(step.Key, step.Id, step.Body!);
            if (index >= 0)
            {
                steps[index] = value;
                provenance.Record(PathKey.Member(path, value.Key), ProvenanceAction.Replaced, step.Location, StepSummary(value));
            }
            else
            {
                if (value.Id is { } id)
                {
                    indexById[id] = steps.Count;
                }

                steps.Add(value);
                provenance.Record(PathKey.Member(path, value.Key), ProvenanceAction.Added, step.Location, StepSummary(value));
            }
        }

        var merged = new StepListValue(steps.ToImmutable());
        _stepIndexes[path] = (merged, indexById);
        return merged;
    }

    private static Dictionary<string, int> IndexById(ImmutableList<Step>.Builder steps)
    {
        // Sized for the list: grown from empty, a list of ~1,500 steps re-copied its entries ten times per layer.
        var index = new Dictionary<string, int>(steps.Count, StringComparer.Ordinal);
        var position = 0;
        foreach (var step in steps)
        {
            if (step.Id is { } id)
            {
                index[id] = position;
            }

            position++;
        }

        return index;
    }

    /// <summary>
    /// After a removal at <paramref name="removed"/>, the steps behind it moved up one place.
    /// Renumbers only those, instead of indexing the whole list again for every removal, which
    /// allocated a dictionary per removed step (~1.3 MB per resolve of the 10,000-key hierarchy).
    /// </summary>
    private static void ShiftDown(Dictionary<string, int> indexById, ImmutableList<Step>.Builder steps, int removed)
    {
        for (var position = removed; position < steps.Count; position++)
        {
            if (steps[position].Id is { } id)
            {
                indexById[id] = position;
            }
        }
    }

    private void RecordRemoval(DescriptionValue value, PathKey path, SourceLocation location)
    {
        switch (value)
        {
            case MapValue map when !map.Entries.IsEmpty:
                var parent = path.ToString();
                foreach (var (key, child) in map.Entries)
                {
                    RecordRemoval(child, PathKey.Child(parent, key), location);
                }

                break;
            case SetValue set when !set.Members.IsEmpty:
                var owner = path.ToString();
                foreach (var member in set.Members)
                {
                    provenance.Record(PathKey.Member(owner, member), ProvenanceAction.Removed, location);
                }

                break;
            case StepListValue list when !list.Steps.IsEmpty:
                var steps = path.ToString();
                foreach (var step in list.Steps)
                {
                    provenance.Record(PathKey.Member(steps, step.Key), ProvenanceAction.Removed, location);
                }

                break;
            default:
                provenance.Record(path, ProvenanceAction.Removed, location);
                break;
        }
    }

    /// <summary>A short human form of a step for <c>vse explain</c>: its verb and operand, e.g. <c>write /etc/motd</c>.</summary>
    private static ScalarValue? StepSummary(Step step)
    {
        foreach (var (key, value) in step.Body.Entries)
        {
            if (StepVerbs.Contains(key))
            {
                return value is ScalarValue operand ? ScalarValue.Of($"{key} {operand}") : null;
            }
        }

        return null;
    }

    private static readonly string[] StepVerbs = ["copy", "link", "delete", "write", "mkdir", "edit", "layer", "run"];
}
