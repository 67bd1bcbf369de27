using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Schema;
using Vse.Description.Syntax;

namespace Vse.Description.Layers;

/// <summary>Reads <c>files</c> and <c>build</c> steps (DESIGN §2.0) into their canonical form.</summary>
internal sealed class StepReader(PatchReader reader)
{
    // One step's fields and body, reused from step to step of a list: a dictionary, a list and a
    // map per field (each a copy of the one before) per step were ~0.7 MB per resolve of the
    // 10,000-key hierarchy's ~1,600 steps. Only the body's final map is the step's own.
    private readonly Dictionary<string, MappingEntry> _fields = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, DescriptionValue>> _body = [];
    private readonly List<string> _verbs = [];

    private static readonly ScalarSchema CopySource = new(ScalarKind.String, Path: PathKind.HostPathRelativeToFile);
    private static readonly ScalarSchema EditKey = new(ScalarKind.String, Pattern: new Regex("^[^\\s=]+$"), PatternDescription: "a key without spaces or '='");

    /// <summary>For each verb of a files step, the other keys it takes; true marks a required one.</summary>
    private static readonly FrozenDictionary<string, FrozenDictionary<string, bool>> FileVerbs = new Dictionary<string, FrozenDictionary<string, bool>>
    {
        ["copy"] = Keys(("to", true), ("mode", false), ("owner", false)),
        ["link"] = Keys(("to", true), ("hard", false)),
        ["delete"] = Keys(),
        ["write"] = Keys(("content", true), ("mode", false)),
        ["mkdir"] = Keys(("mode", false)),
        ["edit"] = Keys(("append", false), ("replace", false), ("set", false)),
        ["layer"] = Keys(("digest", true)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, bool> BuildKeys = Keys(("run", true), ("workdir", false), ("env", false), ("online", false));

    private static readonly string[] EditActions = ["append", "replace", "set"];

    public StepsPatch? Read(StepKind kind, SyntaxNode node, string path)
    {
        if (reader.ExpectSequence(node, path) is not { } sequence)
        {
            return null;
        }

        var steps = new List<StepPatch>(sequence.Items.Count);
        var ids = new HashSet<string>(sequence.Items.Count, StringComparer.Ordinal);
        for (var index = 0; index < sequence.Items.Count; index++)
        {
            var item = sequence.Items[index];
            var stepPath = ValuePath.Member(path, $"#{index + 1}");
            if (reader.ExpectMapping(item, stepPath) is not { } mapping)
            {
                continue;
            }

            if (ReadStep(kind, mapping, path, stepPath, index) is { } step)
            {
                if (step.Id is { } id && !ids.Add(id))
                {
                    reader.Diagnostics.Error(DiagnosticCodes.DuplicateStepId, mapping.Location, $"step id '{id}' appears twice in '{path}'");
                    continue;
                }

                steps.Add(step);
            }
        }

        return new StepsPatch(steps, node.Location);
    }

    private StepPatch? ReadStep(StepKind kind, MappingNode mapping, string listPath, string stepPath, int index)
    {
        var fields = _fields;
        fields.Clear();
        for (var i = 0; i < mapping.Entries.Count; i++)
        {
            var entry = mapping.Entries[i];
            fields[entry.Key.Text] = entry;
        }

        var ok = true;
        string? id = null;
        if (fields.Remove("id", out var idEntry))
        {
            id = reader.ReadString(DescriptionSchema.StepId, idEntry.Value, PendingPath.Child(stepPath, "id"));
            ok = id is not null;
            stepPath = ValuePath.Member(listPath, id ?? "?");
        }

        var key = id ?? $"{reader.LayerName}#{index + 1}";
        if (fields.Remove("remove", out var removeEntry))
        {
            var remove = reader.ReadScalar(DescriptionSchema.Boolean, removeEntry.Value, PendingPath.Child(stepPath, "remove"));
            if (remove?.AsBoolean != true || id is null || fields.Count > 0)
            {
                Invalid(mapping, stepPath, "'remove' is written alone with an id: {id: X, remove: true}");
                return null;
            }

            return new StepPatch(key, id, Remove: true, Body: null, mapping.Location);
        }

        var body = _body;
        body.Clear();
        if (id is not null)
        {
            body.Add(KeyValuePair.Create("id", (DescriptionValue)ScalarValue.Of(id)));
        }

        var read = kind == StepKind.Files ? ReadFileStep(fields, mapping, stepPath, body) : ReadBuildStep(fields, mapping, stepPath, body);
        return ok && read ? new StepPatch(key, id, Remove: false, MapValue.Of(body), mapping.Location) : null;
    }

    /// <returns>Whether the step is valid, its fields then in <paramref name="body"/>.</returns>
    private bool ReadFileStep(Dictionary<string, MappingEntry> fields, MappingNode mapping, string stepPath, List<KeyValuePair<string, DescriptionValue>> body)
    {
        // A loop, not Where(...).ToList(): a delegate, an iterator and a list per step of ~1,600.
        var verbs = _verbs;
        verbs.Clear();
        foreach (var name in fields.Keys)
        {
            if (FileVerbs.ContainsKey(name))
            {
                verbs.Add(name);
            }
        }

        if (verbs.Count != 1)
        {
            Invalid(mapping, stepPath, verbs.Count == 0
                ? $"a files step needs one of {string.Join(", ", FileVerbs.Keys)}{UnknownHint(fields.Keys, FileVerbs.Keys)}"
                : $"a files step has exactly one of {string.Join(", ", FileVerbs.Keys)}, not {string.Join(" and ", verbs)}");
            return false;
        }

        var verb = verbs[0];
        var companions = FileVerbs[verb];
        if (!CheckKeys(fields, mapping, stepPath, verb, companions))
        {
            return false;
        }

        var verbSchema = verb switch
        {
            "copy" or "layer" => CopySource,
            "link" => fields.TryGetValue("hard", out var hard) && hard.Value is ScalarNode { Text: "true" } ? DescriptionSchema.ImagePath : DescriptionSchema.String,
            _ => DescriptionSchema.ImagePath,
        };
        var ok = Add(body, verb, verbSchema, fields[verb], stepPath);
        foreach (var (name, entry) in fields)
        {
            if (name == verb)
            {
                continue;
            }

            var fieldPath = PendingPath.Child(stepPath, name);
            ok &= name switch
            {
                "to" => Add(body, name, DescriptionSchema.ImagePath, entry, stepPath),
                "mode" => AddValue(body, name, NormalizedMode(reader.ReadString(DescriptionSchema.Mode, entry.Value, fieldPath))),
                "owner" => Add(body, name, DescriptionSchema.Owner, entry, stepPath),
                "hard" => AddValue(body, name, reader.ReadScalar(DescriptionSchema.Boolean, entry.Value, fieldPath)),
                "content" or "append" => Add(body, name, DescriptionSchema.String, entry, stepPath),
                "replace" => AddValue(body, name, ReadReplace(entry.Value, fieldPath.ToString())),
                "set" => AddValue(body, name, ReadSet(entry.Value, fieldPath.ToString())),
                "digest" => Add(body, name, DescriptionSchema.LayerDigest, entry, stepPath),
                _ => throw new InvalidOperationException($"unhandled step key {name}"),
            };
        }

        if (verb == "edit" && EditActions.Count(fields.ContainsKey) != 1)
        {
            Invalid(mapping, stepPath, "an edit step has exactly one of append, replace, set");
            return false;
        }

        // Defaults are written out, so a step with and without them means and hashes the same.
        if (verb == "link" && !Has(body, "hard"))
        {
            body.Add(KeyValuePair.Create("hard", (DescriptionValue)ScalarValue.Of(false)));
        }

        return ok;
    }

    /// <returns>Whether the step is valid, its fields then in <paramref name="body"/>.</returns>
    private bool ReadBuildStep(Dictionary<string, MappingEntry> fields, MappingNode mapping, string stepPath, List<KeyValuePair<string, DescriptionValue>> body)
    {
        if (!CheckKeys(fields, mapping, stepPath, "run", BuildKeys))
        {
            return false;
        }

        var ok = true;
        foreach (var (name, entry) in fields)
        {
            var fieldPath = PendingPath.Child(stepPath, name);
            ok &= name switch
            {
                "run" => Add(body, name, DescriptionSchema.String, entry, stepPath),
                "workdir" => Add(body, name, DescriptionSchema.ImagePath, entry, stepPath),
                "online" => AddValue(body, name, reader.ReadScalar(DescriptionSchema.Boolean, entry.Value, fieldPath)),
                "env" => AddValue(body, name, ReadStringMap(DescriptionSchema.EnvName, entry.Value, fieldPath.ToString())),
                _ => throw new InvalidOperationException($"unhandled step key {name}"),
            };
        }

        if (!Has(body, "online"))
        {
            body.Add(KeyValuePair.Create("online", (DescriptionValue)ScalarValue.Of(false)));
        }

        return ok;
    }

    private static bool Has(List<KeyValuePair<string, DescriptionValue>> body, string name)
    {
        foreach (var field in body)
        {
            if (field.Key == name)
            {
                return true;
            }
        }

        return false;
    }

    private bool CheckKeys(Dictionary<string, MappingEntry> fields, MappingNode mapping, string stepPath, string verb, FrozenDictionary<string, bool> allowed)
    {
        var ok = true;
        foreach (var (name, entry) in fields)
        {
            if (name != verb && !allowed.ContainsKey(name))
            {
                reader.Diagnostics.Error(DiagnosticCodes.UnknownKey, entry.Key.Location,
                    $"'{verb}' step does not take '{name}'{Suggestions.DidYouMean(name, allowed.Keys.Append("id"))}");
                ok = false;
            }
        }

        foreach (var (name, required) in allowed)
        {
            if (required && !fields.ContainsKey(name))
            {
                reader.Diagnostics.Error(DiagnosticCodes.MissingKey, mapping.Location, $"'{verb}' step at {stepPath} needs '{name}'");
                ok = false;
            }
        }

        return ok;
    }

    private bool Add(List<KeyValuePair<string, DescriptionValue>> body, string name, ScalarSchema schema, MappingEntry entry, string stepPath) =>
        AddValue(body, name, reader.ReadStringValue(schema, entry.Value, PendingPath.Child(stepPath, name)));

    /// <summary>"644" and "0644" are one mode, so they are written (and hashed) one way: four octal digits.</summary>
    private static ScalarValue? NormalizedMode(string? mode) =>
        mode is null ? null : ScalarValue.Of(Convert.ToString(Convert.ToInt32(mode, 8), 8).PadLeft(4, '0'));

    private static bool AddValue(List<KeyValuePair<string, DescriptionValue>> body, string name, DescriptionValue? value)
    {
        if (value is null)
        {
            return false;
        }

        body.Add(KeyValuePair.Create(name, value));
        return true;
    }

    private MapValue? ReadReplace(SyntaxNode node, string path)
    {
        if (reader.ExpectMapping(node, path) is not { } mapping)
        {
            return null;
        }

        var entries = mapping.Entries.ToDictionary(e => e.Key.Text, StringComparer.Ordinal);
        if (entries.Keys.Except(["pattern", "with"]).FirstOrDefault() is { } extra || !entries.ContainsKey("pattern") || !entries.ContainsKey("with"))
        {
            Invalid(mapping, path, "'replace' is {pattern: REGEX, with: TEXT}");
            return null;
        }

        var pattern = reader.ReadString(DescriptionSchema.String, entries["pattern"].Value, PendingPath.Child(path, "pattern"));
        var with = reader.ReadString(DescriptionSchema.String, entries["with"].Value, PendingPath.Child(path, "with"));
        if (pattern is null || with is null)
        {
            return null;
        }

        if (ValidPatterns.Check(pattern) is { } problem)
        {
            reader.Diagnostics.Error(DiagnosticCodes.InvalidValue, entries["pattern"].Value.Location, $"'{path}.pattern' is not a valid regular expression: {problem}");
            return null;
        }

        return MapValue.Empty.With("pattern", ScalarValue.Of(pattern)).With("with", ScalarValue.Of(with));
    }

    private MapValue? ReadSet(SyntaxNode node, string path) => ReadStringMap(EditKey, node, path);

    /// <summary>A map of names to strings; numbers and booleans are taken as the text they were written as.</summary>
    private MapValue? ReadStringMap(ScalarSchema keys, SyntaxNode node, string path)
    {
        if (reader.ExpectMapping(node, path) is not { } mapping)
        {
            return null;
        }

        var map = MapValue.Empty;
        var ok = true;
        foreach (var entry in mapping.Entries)
        {
            var valuePath = PendingPath.Child(path, entry.Key.Text);
            var name = reader.CheckString(keys, entry.Key.Text, entry.Key.Location, new CheckedSubject("key '", valuePath, "'"));
            var value = reader.ReadString(DescriptionSchema.String, entry.Value, valuePath);
            if (name is null || value is null)
            {
                ok = false;
                continue;
            }

            map = map.With(name, ScalarValue.Of(value));
        }

        return ok ? map : null;
    }

    private void Invalid(SyntaxNode node, string stepPath, string message) =>
        reader.Diagnostics.Error(DiagnosticCodes.InvalidStep, node.Location, $"{stepPath}: {message}");

    private static string UnknownHint(IEnumerable<string> present, IEnumerable<string> verbs) =>
        present.Select(p => Suggestions.Nearest(p, verbs) is { } near ? $" (found '{p}'; did you mean '{near}'?)" : null).FirstOrDefault(h => h is not null) ?? "";

    private static FrozenDictionary<string, bool> Keys(params (string Name, bool Required)[] keys) =>
        keys.ToFrozenDictionary(k => k.Name, k => k.Required, StringComparer.Ordinal);
}
