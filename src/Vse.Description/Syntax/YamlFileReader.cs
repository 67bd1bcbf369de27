using System.Buffers;
using Vse.Description.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Vse.Description.Syntax;

/// <summary>
/// Reads one description file (YAML, or JSON, which YAML accepts) into a <see cref="SyntaxNode"/>
/// tree, enforcing <see cref="ReaderLimits"/>. Problems become diagnostics; it never throws for bad input.
/// </summary>
/// <remarks>
/// The text is first given to <see cref="SubsetYamlReader"/>, which reads the YAML that
/// descriptions are written in without YamlDotNet's token and event objects; whatever it is not
/// sure of (other YAML, and every error) is read by YamlDotNet, which words the diagnostics.
/// </remarks>
public static class YamlFileReader
{
    public static SyntaxNode? ReadFile(string path, ReaderLimits limits, DiagnosticBag diagnostics)
    {
        using var text = DescriptionFileText.Read(path, limits, diagnostics);
        if (text is null)
        {
            return null;
        }

        var chars = text.DecodeIntoPooled(out var length);
        try
        {
            return SubsetYamlReader.TryRead(path, chars.AsSpan(0, length), limits) ?? Parse(path, text.OpenReader(), limits, diagnostics);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <param name="fileName">The name used in locations.</param>
    public static SyntaxNode? ReadText(string fileName, string text, ReaderLimits limits, DiagnosticBag diagnostics)
    {
        if (text.Length > limits.MaxFileBytes)
        {
            diagnostics.Error(DiagnosticCodes.FileTooLarge, SourceLocation.StartOf(fileName),
                $"file is too large ({text.Length} characters; a description may have at most {limits.MaxFileBytes})");
            return null;
        }

        return SubsetYamlReader.TryRead(fileName, text, limits) ?? Parse(fileName, new StringReader(text), limits, diagnostics);
    }

    /// <summary>Reads with YamlDotNet alone: the reference that tests hold <see cref="SubsetYamlReader"/> to.</summary>
    internal static SyntaxNode? ReadTextWithYamlDotNet(string fileName, string text, ReaderLimits limits, DiagnosticBag diagnostics) =>
        Parse(fileName, new StringReader(text), limits, diagnostics);

    private static SyntaxNode? Parse(string fileName, TextReader text, ReaderLimits limits, DiagnosticBag diagnostics)
    {
        var builder = new TreeBuilder(fileName, limits, new Parser(text), diagnostics);
        try
        {
            return builder.ReadSingleDocument();
        }
        catch (YamlException e)
        {
            diagnostics.Error(DiagnosticCodes.YamlSyntax, builder.LocationOf(e.Start), $"invalid YAML: {SimplifyMessage(e.Message)}");
            return null;
        }
        catch (ReadAbortedException e)
        {
            diagnostics.Error(e.Code, e.Location, e.Message);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some malformed input
            // (e.g. an unclosed '[' followed by a 'key: value' line); it is still bad input, not a crash.
            diagnostics.Error(DiagnosticCodes.YamlSyntax, builder.LastLocation, "invalid YAML: the text after this point cannot be parsed");
            return null;
        }
    }

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: ...) - (...): "; the location is already ours.
    private static string SimplifyMessage(string message)
    {
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    private sealed class ReadAbortedException(string code, SourceLocation location, string message) : Exception(message)
    {
        public string Code { get; } = code;

        public SourceLocation Location { get; } = location;
    }

    private sealed class TreeBuilder(string fileName, ReaderLimits limits, IParser parser, DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, (SyntaxNode Node, long Weight)> _anchors = new(StringComparer.Ordinal);
        private long _expandedNodes;

        public SourceLocation LocationOf(Mark mark) => new(fileName, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

        /// <summary>The end of the last event the parser produced: where it was when it gave up.</summary>
        public SourceLocation LastLocation => parser.Current is { } current ? LocationOf(current.End) : SourceLocation.StartOf(fileName);

        public SyntaxNode? ReadSingleDocument()
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                diagnostics.Error(DiagnosticCodes.NotAMapping, SourceLocation.StartOf(fileName), "the file is empty; a description is a mapping that starts with 'vse: 1'");
                return null;
            }

            parser.Consume<DocumentStart>();
            var (root, _) = ReadNode(depth: 1);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                diagnostics.Error(DiagnosticCodes.MultipleDocuments, LocationOf(second.Start), "a description file holds exactly one YAML document");
                return null;
            }

            return root;
        }

        private (SyntaxNode Node, long Weight) ReadNode(int depth)
        {
            var current = parser.Current ?? throw new InvalidOperationException("parser has no current event");
            if (depth > limits.MaxDepth)
            {
                throw new ReadAbortedException(DiagnosticCodes.NestingTooDeep, LocationOf(current.Start),
                    $"nesting is deeper than {limits.MaxDepth} levels");
            }

            (SyntaxNode Node, long Weight) result;
            string anchor = "";
            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
                    }

                    // The tree shares the node; counting its whole weight again bounds the work of
                    // every later walk, which would visit it once per reference.
                    Count(target.Weight, alias.Start);
                    return target;
                case Scalar scalar:
                    parser.MoveNext();
                    anchor = scalar.Anchor.IsEmpty ? "" : scalar.Anchor.Value;
                    var plain = scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || scalar.Tag.Value is "?" or "!");
                    Count(1, scalar.Start);
                    if (scalar.Value.Contains('\0', StringComparison.Ordinal))
                    {
                        // YAML's "\0" escape makes one; a path, an argument or an environment entry
                        // would be cut short at it, so what runs would differ from what was checked.
                        diagnostics.Error(DiagnosticCodes.InvalidValue, LocationOf(scalar.Start), "a NUL character (\\0) is not allowed in a description");
                    }

                    result = (new ScalarNode(scalar.Value, plain, LocationOf(scalar.Start)), 1);
                    break;
                case SequenceStart sequence:
                    parser.MoveNext();
                    anchor = sequence.Anchor.IsEmpty ? "" : sequence.Anchor.Value;
                    result = ReadSequence(sequence, depth);
                    break;
                case MappingStart mapping:
                    parser.MoveNext();
                    anchor = mapping.Anchor.IsEmpty ? "" : mapping.Anchor.Value;
                    result = ReadMapping(mapping, depth);
                    break;
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }

            if (anchor.Length > 0)
            {
                _anchors[anchor] = result;
            }

            return result;
        }

        private (SyntaxNode, long) ReadSequence(SequenceStart start, int depth)
        {
            Count(1, start.Start);
            var items = new List<SyntaxNode>();
            long weight = 1;
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                var (item, itemWeight) = ReadNode(depth + 1);
                items.Add(item);
                weight += itemWeight;
            }

            return (new SequenceNode(items, LocationOf(start.Start)), weight);
        }

        private (SyntaxNode, long) ReadMapping(MappingStart start, int depth)
        {
            Count(1, start.Start);
            var entries = new List<MappingEntry>();
            var seen = new SeenKeys();
            long weight = 1;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var (key, keyWeight) = ReadNode(depth + 1);
                if (key is not ScalarNode scalarKey)
                {
                    throw new YamlException(parser.Current!.Start, parser.Current.End, "a mapping key must be a plain string");
                }

                if (!seen.Add(scalarKey.Text))
                {
                    diagnostics.Error(DiagnosticCodes.DuplicateKey, scalarKey.Location, $"duplicate key '{scalarKey.Text}'");
                    ReadNode(depth + 1);
                    continue;
                }

                var (value, valueWeight) = ReadNode(depth + 1);
                entries.Add(new MappingEntry(scalarKey, value));
                weight += keyWeight + valueWeight;
            }

            return (new MappingNode(entries, LocationOf(start.Start)), weight);
        }

        private void Count(long nodes, Mark at)
        {
            _expandedNodes += nodes;
            if (_expandedNodes > limits.MaxExpandedNodes)
            {
                throw new ReadAbortedException(DiagnosticCodes.AliasExpansionTooLarge, LocationOf(at),
                    $"the document expands to more than {limits.MaxExpandedNodes} nodes (aliases included)");
            }
        }
    }
}
