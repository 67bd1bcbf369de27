using System.Globalization;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Schema;
using Vse.Description.Syntax;

namespace Vse.Description.Layers;

/// <summary>
/// Turns the syntax of one file into <see cref="Patch"/>es, checking every key and type against the
/// schema and interpolating strings. A problem is reported and that value skipped, so one run
/// reports every problem of the file.
/// </summary>
internal sealed class PatchReader(string file, string layerName, InterpolationContext? interpolation, DiagnosticBag diagnostics)
{
    public string File => file;

    public string LayerName => layerName;

    public string Directory => Path.GetDirectoryName(Path.GetFullPath(file)) ?? "/";

    public DiagnosticBag Diagnostics => diagnostics;

    /// <param name="path">Written out only for a message or for the paths below a collection.</param>
    public Patch? Read(SchemaNode schema, SyntaxNode node, PendingPath path)
    {
        if (node is ScalarNode { IsNull: true })
        {
            return new RemovePatch(node.Location);
        }

        return schema switch
        {
            ScalarSchema scalar => ReadScalar(scalar, node, path) is { } value ? new ScalarPatch(value, node.Location) : null,
            StructSchema structure => ReadStruct(structure, node, path.ToString()),
            DictSchema dictionary => ReadDictionary(dictionary, node, path.ToString()),
            SetSchema set => ReadSet(set, node, path.ToString()),
            IndexListSchema indices => node is SequenceNode sequence
                ? ReadIndexList(indices, sequence, path.ToString()) is { } list ? new ScalarPatch(list, node.Location) : null
                : ReadScalar(indices.Scalar, node, path) is { } value ? new ScalarPatch(value, node.Location) : null,
            StepsSchema steps => new StepReader(this).Read(steps.Kind, node, path.ToString()),
            _ => throw new InvalidOperationException($"no reader for {schema.GetType().Name}"),
        };
    }

    public MapPatch? ReadStruct(StructSchema schema, SyntaxNode node, string path, IReadOnlySet<string>? excluded = null)
    {
        if (ExpectMapping(node, path) is not { } mapping)
        {
            return null;
        }

        var entries = new List<MapPatchEntry>(mapping.Entries.Count);
        foreach (var (keyNode, valueNode, key, replace) in Keys(mapping, path))
        {
            if (!schema.Fields.TryGetValue(key, out var fieldSchema) || (excluded?.Contains(key) ?? false))
            {
                var known = schema.Fields.Keys.Where(k => !(excluded?.Contains(k) ?? false));
                diagnostics.Error(DiagnosticCodes.UnknownKey, keyNode.Location,
                    $"unknown key '{ValuePath.Child(path, key)}'{Suggestions.DidYouMean(key, known)}");
                continue;
            }

            if (Read(fieldSchema, valueNode, PendingPath.Child(path, key)) is { } patch)
            {
                entries.Add(new MapPatchEntry(key, keyNode.Location, replace, patch));
            }
        }

        return new MapPatch(entries, node.Location);
    }

    private MapPatch? ReadDictionary(DictSchema schema, SyntaxNode node, string path)
    {
        if (ExpectMapping(node, path) is not { } mapping)
        {
            return null;
        }

        var entries = new List<MapPatchEntry>(mapping.Entries.Count);
        foreach (var (keyNode, valueNode, key, replace) in Keys(mapping, path))
        {
            var keyPath = PendingPath.Child(path, key);
            if (CheckString(schema.Keys, key, keyNode.Location, new CheckedSubject("key '", keyPath, "'")) is null)
            {
                continue;
            }

            // A mount target is matched as text by later layers and by policy.lock: '/lustre/' or
            // '/x/../lustre' would be a second entry for the mount point of a locked '/lustre'.
            if (schema.Keys.Path == PathKind.ImagePath && ImagePaths.Normalize(key) is var normal && normal != key)
            {
                diagnostics.Error(DiagnosticCodes.UnsafePath, keyNode.Location, $"key '{keyPath}': write this path as '{normal}'");
                continue;
            }

            if (Read(schema.Values, valueNode, keyPath) is { } patch)
            {
                entries.Add(new MapPatchEntry(key, keyNode.Location, replace, patch));
            }
        }

        return new MapPatch(entries, node.Location);
    }

    private SetPatch? ReadSet(SetSchema schema, SyntaxNode node, string path)
    {
        switch (node)
        {
            case SequenceNode sequence:
                return new SetPatch(ReadMembers(schema, sequence, path), [], node.Location);
            case MappingNode mapping:
                var add = new List<SetMember>();
                var remove = new List<SetMember>();
                foreach (var entry in mapping.Entries)
                {
                    var target = entry.Key.Text switch
                    {
                        "add" => add,
                        "remove" => remove,
                        _ => null,
                    };
                    if (target is null)
                    {
                        diagnostics.Error(DiagnosticCodes.UnknownKey, entry.Key.Location,
                            $"unknown key '{ValuePath.Child(path, entry.Key.Text)}'{Suggestions.DidYouMean(entry.Key.Text, ["add", "remove"])}; a set is a list or {{add: [...], remove: [...]}}");
                        continue;
                    }

                    if (ExpectSequence(entry.Value, ValuePath.Child(path, entry.Key.Text)) is { } members)
                    {
                        target.AddRange(ReadMembers(schema, members, path));
                    }
                }

                foreach (var both in add.IntersectBy(remove.Select(r => r.Name), a => a.Name, StringComparer.Ordinal))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidValue, both.Location, $"'{both.Name}' is both added to and removed from '{path}' in one layer");
                }

                return new SetPatch(add, remove, node.Location);
            default:
                WrongType(node, path, "a list or {add: [...], remove: [...]}");
                return null;
        }
    }

    /// <summary>
    /// A list of indices (<c>gpus: [0, 2]</c>) as one scalar, <c>[0,2]</c>: each a plain integer
    /// from 0 to the maximum, none twice, at least one. Every bad item is reported at its position.
    /// </summary>
    private ScalarValue? ReadIndexList(IndexListSchema schema, SequenceNode sequence, string path)
    {
        var indices = new SortedSet<long>();
        var valid = true;
        foreach (var item in sequence.Items)
        {
            if (item is not ScalarNode { IsPlain: true, IsNull: false } scalar
                || !long.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
            {
                WrongType(item, $"{path} member", "an integer index (0, 1, ...)");
                valid = false;
            }
            else if (index < 0 || index > schema.MaximumIndex)
            {
                diagnostics.Error(DiagnosticCodes.InvalidValue, item.Location, $"'{path}': index {index} is not between 0 and {schema.MaximumIndex}");
                valid = false;
            }
            else if (!indices.Add(index))
            {
                diagnostics.Error(DiagnosticCodes.InvalidValue, item.Location, $"'{path}': index {index} is listed twice");
                valid = false;
            }
        }

        if (valid && indices.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, sequence.Location, $"'{path}' lists no index; remove it or write null to ask for none");
            valid = false;
        }

        return valid ? ScalarValue.Of($"[{string.Join(',', indices)}]") : null;
    }

    private List<SetMember> ReadMembers(SetSchema schema, SequenceNode sequence, string path)
    {
        var members = new List<SetMember>();
        var inPath = $"' in {path}";
        foreach (var item in sequence.Items)
        {
            if (item is not ScalarNode scalar || scalar.IsNull)
            {
                WrongType(item, $"{path} member", "a name");
                continue;
            }

            if (Interpolate(scalar) is { } text && CheckString(schema.Members, text, scalar.Location, new CheckedSubject("'", text, inPath)) is { } name)
            {
                members.Add(new SetMember(name, scalar.Location));
            }
        }

        return members;
    }

    public ScalarValue? ReadScalar(ScalarSchema schema, SyntaxNode node, PendingPath path)
    {
        if (node is not ScalarNode scalar)
        {
            WrongType(node, path, Describe(schema));
            return null;
        }

        var interpolated = interpolation is not null && !schema.Literal && scalar.Text.Contains("${", StringComparison.Ordinal);
        if ((schema.Literal ? scalar.Text : Interpolate(scalar)) is not { } text)
        {
            return null;
        }

        // Only a plain scalar is a number or a boolean (as in YAML), unless the number came from a variable.
        var typed = scalar.IsPlain || interpolated;
        switch (schema.Kind)
        {
            case ScalarKind.String:
                return CheckString(schema, text, scalar.Location, new CheckedSubject("'", path, "'")) is { } s ? ScalarValue.Of(s) : null;
            case ScalarKind.Boolean:
                if (typed && text is "true" or "false")
                {
                    return ScalarValue.Of(text == "true");
                }

                WrongType(node, path, "true or false");
                return null;
            case ScalarKind.Integer:
                if (typed && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                    && Math.Abs(integer) <= SizeParser.MaximumBytes)
                {
                    return CheckRange(schema, integer, scalar.Location, path);
                }

                WrongType(node, path, "an integer");
                return null;
            case ScalarKind.Size:
                if (!SizeParser.TryParse(text, out var bytes, out var error))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidSize, scalar.Location, $"'{path}': {error}");
                    return null;
                }

                return CheckRange(schema, bytes, scalar.Location, path);
            case ScalarKind.Any:
                if (typed && text is "true" or "false")
                {
                    return ScalarValue.Of(text == "true");
                }

                return typed && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? ScalarValue.Of(number)
                    : ScalarValue.Of(text);
            default:
                throw new InvalidOperationException($"unknown scalar kind {schema.Kind}");
        }
    }

    /// <summary>Reads a string that must be there (not null), for step fields.</summary>
    public string? ReadString(ScalarSchema schema, SyntaxNode node, PendingPath path) => ReadStringValue(schema, node, path)?.AsString;

    /// <summary>As <see cref="ReadString"/>, the value itself: a step's field keeps it instead of making a second of the same string.</summary>
    public ScalarValue? ReadStringValue(ScalarSchema schema, SyntaxNode node, PendingPath path) =>
        node is ScalarNode { IsNull: true } ? WrongTypeNull(node, path) : ReadScalar(schema, node, path) is { AsString: not null } value ? value : null;

    private ScalarValue? WrongTypeNull(SyntaxNode node, PendingPath path)
    {
        WrongType(node, path, "a string");
        return null;
    }

    /// <summary>Expands variables, unless this reader reads literally (policy: the user controls the environment).</summary>
    public string? Interpolate(ScalarNode scalar) =>
        interpolation is null ? scalar.Text : Interpolator.Expand(scalar.Text, scalar.Location, interpolation, diagnostics);

    /// <summary>A reader of the same file that takes every string literally.</summary>
    public PatchReader Literal() => new(file, layerName, null, diagnostics);

    /// <summary>Checks choices, pattern and path rules of a string; returns the (possibly absolutised) string.</summary>
    public string? CheckString(ScalarSchema schema, string text, SourceLocation location, CheckedSubject what)
    {
        if (schema.Choices is { } choices && !choices.Contains(text))
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, location,
                $"{what} must be one of {string.Join(", ", choices)}, not '{text}'{Suggestions.DidYouMean(text, choices)}");
            return null;
        }

        if (schema.Pattern is { } pattern && !pattern.IsMatch(text))
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, location, $"{what} must be {schema.PatternDescription}, not '{text}'");
            return null;
        }

        if (schema.Problem?.Invoke(text) is { } valueProblem)
        {
            diagnostics.Error(DiagnosticCodes.InvalidRegistryReference, location, $"{what}: {valueProblem}");
            return null;
        }

        switch (schema.Path)
        {
            case PathKind.ImagePath when ImagePaths.Problem(text) is { } problem:
                diagnostics.Error(DiagnosticCodes.UnsafePath, location, $"{what}: {problem}");
                return null;
            case PathKind.HostPath when !text.StartsWith('/'):
                diagnostics.Error(DiagnosticCodes.InvalidValue, location, $"{what} must be an absolute host path, not '{text}'");
                return null;
            case PathKind.HostPathRelativeToFile:
                return text.Length == 0 ? null : Path.GetFullPath(Path.Combine(Directory, text));
        }

        return text;
    }

    private ScalarValue? CheckRange(ScalarSchema schema, long value, SourceLocation location, PendingPath path)
    {
        if (value < schema.Minimum)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, location, $"'{path}' must be at least {schema.Minimum}, not {value}");
            return null;
        }

        if (value > schema.Maximum)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, location, $"'{path}' may be at most {schema.Maximum}, not {value}");
            return null;
        }

        return ScalarValue.Of(value);
    }

    /// <summary>The keys of a mapping with their <c>!</c> suffix stripped; a key given both ways is an error.</summary>
    /// <remarks>
    /// Both YAML readers give each key of a mapping once (<see cref="SubsetYamlReader"/> falls back to
    /// <see cref="YamlFileReader"/>, which reports a duplicate and leaves it out), so two keys can be
    /// one only when one of them ends in <c>!</c>: without such a key there is nothing to compare, and
    /// no set of the keys is made (one per mapping of 9 keys or more, ~0.3 MB per resolve of the
    /// 10,000-key hierarchy). An index loop, as a <c>foreach</c> over the list interface boxes an enumerator.
    /// </remarks>
    public IEnumerable<(ScalarNode KeyNode, SyntaxNode Value, string Key, bool Replace)> Keys(MappingNode mapping, string path)
    {
        var entries = mapping.Entries;
        var anyReplace = false;
        for (var i = 0; i < entries.Count && !anyReplace; i++)
        {
            anyReplace = IsReplace(entries[i].Key.Text);
        }

        var seen = new SeenKeys(anyReplace ? entries.Count : 0);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var replace = IsReplace(entry.Key.Text);
            var key = replace ? entry.Key.Text[..^1] : entry.Key.Text;
            if (anyReplace && !seen.Add(key))
            {
                diagnostics.Error(DiagnosticCodes.ConflictingReplace, entry.Key.Location,
                    $"'{ValuePath.Child(path, key)}' is given both as '{key}' and '{key}!'; use one");
                continue;
            }

            yield return (entry.Key, entry.Value, key, replace);
        }
    }

    private static bool IsReplace(string key) => key.Length > 1 && key.EndsWith('!');

    public MappingNode? ExpectMapping(SyntaxNode node, string path)
    {
        if (node is MappingNode mapping)
        {
            return mapping;
        }

        WrongType(node, path, "a map");
        return null;
    }

    public SequenceNode? ExpectSequence(SyntaxNode node, string path)
    {
        if (node is SequenceNode sequence)
        {
            return sequence;
        }

        WrongType(node, path, "a list");
        return null;
    }

    public void WrongType(SyntaxNode node, PendingPath path, string expected)
    {
        var found = node switch
        {
            MappingNode => "a map",
            SequenceNode => "a list",
            ScalarNode { IsNull: true } => "null",
            ScalarNode s => $"'{s.Text}'",
            _ => "something else",
        };
        diagnostics.Error(DiagnosticCodes.WrongType, node.Location, $"'{(path.IsDocument ? "document" : path.ToString())}' must be {expected}, found {found}");
    }

    private static string Describe(ScalarSchema schema) => schema.Kind switch
    {
        ScalarKind.Integer => "an integer",
        ScalarKind.Boolean => "true or false",
        ScalarKind.Size => "a size",
        ScalarKind.Any => "a string, number or boolean",
        _ => "a string",
    };
}
