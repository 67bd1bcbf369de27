using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Schema;

namespace Vse.Description.Merge;

/// <summary>Checks and tidies the merged result: what only the whole can tell.</summary>
internal static class ResolvedShape
{
    /// <summary>
    /// Drops empty maps, sets and step lists, so that <c>env: {}</c>, an <c>env</c> whose last key
    /// was removed, and no <c>env</c> at all mean (and hash) the same.
    /// </summary>
    public static MapValue DropEmpty(MapValue map) =>
        map.WithEach((_, value) =>
        {
            var tidy = value is MapValue child ? DropEmpty(child) : value;
            var empty = tidy switch
            {
                MapValue m => m.IsEmpty,
                SetValue s => s.Members.IsEmpty,
                StepListValue l => l.Steps.IsEmpty,
                _ => false,
            };
            return empty ? null : tidy;
        });

    /// <summary>
    /// Writes out defaults that would otherwise make equal meanings hash differently:
    /// a mount without <c>mode</c> is read-only.
    /// </summary>
    public static MapValue WithDefaults(MapValue content)
    {
        if (content["mounts"] is not MapValue mounts)
        {
            return content;
        }

        // One copy of the mounts for all of them: one per mount was quadratic in their number.
        return content.With("mounts", mounts.WithEach((_, entry) =>
            entry is MapValue mount && mount["mode"] is null ? mount.With("mode", ScalarValue.Of("ro")) : entry));
    }

    /// <summary>Reports required keys that no layer gave (e.g. a mount without <c>source</c>).</summary>
    public static void CheckRequired(MapValue map, SchemaNode schema, string path, Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        switch (schema)
        {
            case StructSchema structure:
                // A loop, not Where(...): a closure, a delegate and an iterator for each of ~1,000 maps.
                foreach (var required in structure.Required)
                {
                    if (map[required] is null)
                    {
                        diagnostics.Error(DiagnosticCodes.MissingKey, locate(path), $"'{path}' needs '{required}'");
                    }
                }

                foreach (var (key, value) in map.Entries)
                {
                    if (value is MapValue child && structure.Fields.TryGetValue(key, out var field))
                    {
                        CheckRequired(child, field, ValuePath.Child(path, key), locate, diagnostics);
                    }
                }

                break;
            case DictSchema dictionary:
                foreach (var (key, value) in map.Entries)
                {
                    if (value is MapValue child)
                    {
                        CheckRequired(child, dictionary.Values, ValuePath.Child(path, key), locate, diagnostics);
                    }
                }

                break;
        }
    }
}
