using System.Globalization;
using System.Text;
using Vse.Description.Diagnostics;
using Vse.Description.Syntax;

namespace Vse.Description.Tests.Syntax;

/// <summary>
/// Random YAML documents in the shapes descriptions use (block and flow collections, compact
/// sequence items, sequences at their key's indentation, every scalar style, comments, blank
/// lines, odd indentation), damaged copies of them, and the comparison of the two readers.
/// </summary>
internal static class SubsetDocuments
{
    // Characters a scalar may hold: indicators, quotes, escapes' targets, '#', ':', non-ASCII.
    private const string ScalarAlphabet = "abcxyz019 -_./:#,[]{}'\"\\$~!&*?|>%@`éß中\t\n";
    private const string PlainSafe = "abcdefxyz0123456789_./$()=+";
    private const string EditAlphabet = " \n-:#,[]{}'\"\\&*!|>?%@`\t\r~é";

    /// <summary>A document from <paramref name="seed"/>: the same seed writes the same text.</summary>
    public static string Write(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        if (random.Next(4) == 0)
        {
            text.Append("# a comment before the document\n");
        }

        var step = random.Next(1, 5);
        if (random.Next(10) == 0)
        {
            text.Append(FlowNode(random, indent: -1, Tree(random, 0))).Append('\n');
        }
        else if (random.Next(6) == 0)
        {
            WriteBlockSequence(random, text, indent: 0, step, SequenceOf(random, 0));
        }
        else
        {
            WriteBlockMapping(random, text, indent: 0, step, MappingOf(random, 0), firstLineDone: false);
        }

        return text.ToString();
    }

    /// <summary>The document of <paramref name="seed"/> with a few characters inserted, removed or replaced.</summary>
    public static string Damaged(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Write(random.Next()));
        for (var edits = random.Next(1, 4); edits > 0 && text.Length > 0; edits--)
        {
            var at = random.Next(text.Length);
            switch (random.Next(3))
            {
                case 0:
                    text.Insert(at, EditAlphabet[random.Next(EditAlphabet.Length)]);
                    break;
                case 1:
                    text.Remove(at, Math.Min(text.Length - at, random.Next(1, 4)));
                    break;
                default:
                    text[at] = EditAlphabet[random.Next(EditAlphabet.Length)];
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// What the subset reader made of <paramref name="text"/> against YamlDotNet's reading: null when
    /// they agree (the subset reader declined, or built the same tree with the same locations, for a
    /// text that YamlDotNet read without a diagnostic), else what differs.
    /// </summary>
    public static string? Disagreement(string text, out bool subsetRead)
    {
        var limits = ReaderLimits.Default;
        var subset = SubsetYamlReader.TryRead("f.vse.yaml", text, limits);
        subsetRead = subset is not null;
        if (subset is null)
        {
            return null;
        }

        var diagnostics = new DiagnosticBag();
        var reference = YamlFileReader.ReadTextWithYamlDotNet("f.vse.yaml", text, limits, diagnostics);
        if (diagnostics.Items.Count > 0)
        {
            return $"the subset reader read a text that YamlDotNet reports: {diagnostics.Items[0]}\n--- text:\n{text}";
        }

        var (mine, theirs) = (Dump(subset), reference is null ? "(nothing)" : Dump(reference));
        return mine == theirs ? null : $"the trees differ\n--- subset:\n{mine}\n--- YamlDotNet:\n{theirs}\n--- text:\n{text}";
    }

    public static string Dump(SyntaxNode node)
    {
        var text = new StringBuilder();
        Dump(node, text, 0);
        return text.ToString();
    }

    private static void Dump(SyntaxNode node, StringBuilder text, int indent)
    {
        text.Append(' ', indent).Append(node.Location.Line).Append(':').Append(node.Location.Column).Append(' ');
        switch (node)
        {
            case ScalarNode scalar:
                text.Append(scalar.IsPlain ? "plain " : "quoted ").Append(Escape(scalar.Text)).Append('\n');
                break;
            case SequenceNode sequence:
                text.Append("sequence\n");
                foreach (var item in sequence.Items)
                {
                    Dump(item, text, indent + 2);
                }

                break;
            case MappingNode mapping:
                text.Append("mapping\n");
                foreach (var entry in mapping.Entries)
                {
                    Dump(entry.Key, text, indent + 2);
                    Dump(entry.Value, text, indent + 4);
                }

                break;
        }
    }

    private static string Escape(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";

    // The tree: a scalar (string), a list (sequence) or a list of pairs (mapping).
    private static object Tree(Random random, int depth) => (depth >= 4 ? 0 : random.Next(5)) switch
    {
        0 or 1 => Scalar(random),
        2 => SequenceOf(random, depth),
        _ => MappingOf(random, depth),
    };

    private static List<object> SequenceOf(Random random, int depth) =>
        [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => Tree(random, depth + 1))];

    private static List<KeyValuePair<string, object>> MappingOf(Random random, int depth)
    {
        var entries = new List<KeyValuePair<string, object>>();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            // Mostly distinct keys; a repeated one now and then.
            var key = random.Next(12) == 0 && entries.Count > 0 ? entries[0].Key : Key(random);
            entries.Add(new(key, Tree(random, depth + 1)));
        }

        return entries;
    }

    private static string Key(Random random) => random.Next(8) switch
    {
        0 => Scalar(random),
        1 => "/data/l" + random.Next(10).ToString(CultureInfo.InvariantCulture),
        _ => "k" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
    };

    private static string Scalar(Random random) => random.Next(6) switch
    {
        0 => random.Next(3) == 0 ? "" : random.Next(100000).ToString(CultureInfo.InvariantCulture),
        1 => random.Next(2) == 0 ? "true" : "null",
        2 => new string([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => PlainSafe[random.Next(PlainSafe.Length)])]),
        _ => new string([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => ScalarAlphabet[random.Next(ScalarAlphabet.Length)])]),
    };

    private static void WriteBlockMapping(Random random, StringBuilder text, int indent, int step, List<KeyValuePair<string, object>> entries, bool firstLineDone)
    {
        foreach (var (key, value) in entries)
        {
            if (firstLineDone)
            {
                BlankLines(random, text);
                text.Append(' ', indent);
            }

            firstLineDone = true;
            text.Append(ScalarText(random, key)).Append(':');
            WriteValue(random, text, indent, step, value, mappingValue: true);
        }
    }

    private static void WriteBlockSequence(Random random, StringBuilder text, int indent, int step, List<object> items)
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                BlankLines(random, text);
            }

            first = false;
            text.Append(' ', indent).Append('-');
            if (item is List<KeyValuePair<string, object>> mapping && random.Next(3) > 0)
            {
                // A compact item: "- key: value" and the other keys under the first.
                var spaces = random.Next(1, 4);
                text.Append(' ', spaces);
                WriteBlockMapping(random, text, indent + 1 + spaces, step, mapping, firstLineDone: false);
                continue;
            }

            WriteValue(random, text, indent, step, item, mappingValue: false);
        }
    }

    private static void WriteValue(Random random, StringBuilder text, int indent, int step, object value, bool mappingValue)
    {
        switch (value)
        {
            case string scalar when scalar.Length == 0 && random.Next(2) == 0:
                Comment(random, text);
                text.Append('\n');
                break;
            case string scalar:
                text.Append(' ').Append(ScalarText(random, scalar));
                Comment(random, text);
                text.Append('\n');
                break;
            case var collection when random.Next(4) == 0:
                text.Append(' ').Append(FlowNode(random, indent, collection));
                Comment(random, text);
                text.Append('\n');
                break;
            case List<object> items:
                Comment(random, text);
                text.Append('\n');
                var inner = mappingValue && random.Next(3) == 0 ? indent : indent + step;
                WriteBlockSequence(random, text, inner, step, items);
                break;
            case List<KeyValuePair<string, object>> entries:
                Comment(random, text);
                text.Append('\n');
                BlankLines(random, text);
                text.Append(' ', indent + step);
                WriteBlockMapping(random, text, indent + step, step, entries, firstLineDone: true);
                break;
        }
    }

    private static string FlowNode(Random random, int indent, object value)
    {
        var separator = random.Next(6) == 0 ? "\n" + new string(' ', indent + 1 + random.Next(3)) : random.Next(3) == 0 ? "," : ", ";
        string Join(IEnumerable<string> parts) => string.Join(separator == "," ? "," : "," + separator.TrimStart(','), parts);
        return value switch
        {
            List<object> items => "[" + Join(items.Select(item => FlowNode(random, indent, item))) + "]",
            List<KeyValuePair<string, object>> entries =>
                "{" + Join(entries.Select(e => FlowScalar(random, e.Key) + (random.Next(5) == 0 ? ":" : ": ") + FlowNode(random, indent, e.Value))) + "}",
            string scalar => FlowScalar(random, scalar),
            _ => throw new ArgumentException("not a tree", nameof(value)),
        };
    }

    private static string FlowScalar(Random random, string scalar) =>
        scalar.Length > 0 && scalar.All(c => PlainSafe.Contains(c, StringComparison.Ordinal)) && random.Next(3) > 0 ? scalar : Quoted(random, scalar);

    private static string ScalarText(Random random, string scalar) => random.Next(4) switch
    {
        0 => Quoted(random, scalar),
        _ => scalar, // plain, whatever it holds: YAML may read it otherwise, which is the point
    };

    private static string Quoted(Random random, string scalar)
    {
        if (random.Next(3) == 0 && !scalar.Contains('\n', StringComparison.Ordinal))
        {
            return "'" + scalar.Replace("'", "''", StringComparison.Ordinal) + "'";
        }

        var text = new StringBuilder("\"");
        foreach (var c in scalar)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => random.Next(2) == 0 ? "\\t" : "\t",
                '/' when random.Next(3) == 0 => "\\/",
                'é' when random.Next(3) == 0 => "\\u00e9",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    private static void Comment(Random random, StringBuilder text)
    {
        if (random.Next(8) == 0)
        {
            text.Append(random.Next(4) == 0 ? "#x" : "  # note: a, [b]");
        }
    }

    private static void BlankLines(Random random, StringBuilder text)
    {
        if (random.Next(10) == 0)
        {
            text.Append(random.Next(2) == 0 ? "\n" : "   # between\n");
        }
    }
}
