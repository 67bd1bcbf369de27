using System.Text;
using Vse.Description.Diagnostics;

namespace Vse.Description.Syntax;

/// <summary>
/// A reader for the part of YAML that descriptions are written in: block mappings and sequences
/// (compact <c>- key: value</c> items and sequences at their key's indentation included), flow
/// sequences and mappings (JSON too), plain, single- and double-quoted scalars on one line, and
/// comments. It builds the same <see cref="SyntaxNode"/> tree, with the same locations, as the
/// YamlDotNet reader, at a fraction of the cost: YamlDotNet's scanner and parser allocate a token
/// and an event object per key, value and indicator, about a third of all that resolving a large
/// hierarchy allocated.
/// </summary>
/// <remarks>
/// It never guesses. Anything outside the subset (anchors, aliases, tags, block scalars <c>|</c>
/// and <c>&gt;</c>, multi-line plain or quoted scalars, documents markers and directives, tabs,
/// complex keys, empty flow entries, rarer escapes) and anything wrong (a syntax error, a duplicate
/// key, a limit reached) makes <see cref="TryRead"/> return null, and the caller reads the file
/// with YamlDotNet, which accepts all of YAML and words every error. So the language and every
/// message stay YamlDotNet's; this reader only decides when it is sure. Tests compare the two
/// readers on every description in the repository and on generated and damaged documents.
/// </remarks>
internal ref struct SubsetYamlReader
{
    /// <summary>YamlDotNet refuses an implicit key longer than this.</summary>
    private const int MaxImplicitKeyLength = 1024;

    private readonly ReadOnlySpan<char> _text;
    private readonly string _file;
    private readonly ReaderLimits _limits;
    private int _pos;
    private int _line = 1;
    private int _lineStart;
    private long _nodes;
    private StringBuilder? _unescaped;

    private SubsetYamlReader(string file, ReadOnlySpan<char> text, ReaderLimits limits)
    {
        _file = file;
        _text = text;
        _limits = limits;
    }

    /// <returns>The tree, or null when the text is not in the subset or not valid (read it with YamlDotNet then).</returns>
    public static SyntaxNode? TryRead(string file, ReadOnlySpan<char> text, ReaderLimits limits)
    {
        if (!HasOnlySimpleCharacters(text))
        {
            return null;
        }

        var reader = new SubsetYamlReader(file, text, limits);
        try
        {
            return reader.ReadDocument();
        }
        catch (NotInSubsetException)
        {
            return null;
        }
    }

    // Printable characters and line feeds only: no tab (whose meaning depends on where it is), no
    // carriage return, no character YamlDotNet refuses or counts as a line break of its own (NEL,
    // U+2028, U+2029), no surrogates (whose columns would need care) and no byte order mark.
    private static bool HasOnlySimpleCharacters(ReadOnlySpan<char> text)
    {
        var rest = text;
        int next;
        while ((next = rest.IndexOfAnyExceptInRange(' ', '~')) >= 0)
        {
            var c = rest[next];
            if (c != '\n' && (c < '\u00A0' || c is >= '\uD800' and <= '\uDFFF' or '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF'))
            {
                return false;
            }

            rest = rest[(next + 1)..];
        }

        return true;
    }

    private SyntaxNode ReadDocument()
    {
        SkipToContent();
        if (AtEnd)
        {
            throw NotInSubset(); // empty: YamlDotNet's reader says so
        }

        if (Current is '%')
        {
            throw NotInSubset(); // a directive
        }

        var indent = Column - 1;
        SyntaxNode root;
        if (AtSequenceEntry)
        {
            root = ReadBlockSequence(indent, depth: 1, indentless: false);
        }
        else if (Current is '[' or '{')
        {
            root = ReadFlowCollection(depth: 1, parentIndent: -1);
            EndLine();
        }
        else if (LooksLikeKey())
        {
            root = ReadBlockMapping(indent, depth: 1);
        }
        else
        {
            root = ReadScalarOnLine(depth: 1, flow: false);
            EndLine();
        }

        if (!AtEnd)
        {
            throw NotInSubset();
        }

        return root;
    }

    private MappingNode ReadBlockMapping(int indent, int depth)
    {
        var location = Here;
        CountNode(depth);
        var entries = new List<MappingEntry>();
        var seen = new SeenKeys();
        while (true)
        {
            var key = ReadKey(depth + 1, flow: false);
            if (!seen.Add(key.Text))
            {
                throw NotInSubset(); // YamlDotNet's reader reports it
            }

            entries.Add(new MappingEntry(key, ReadBlockValue(indent, depth + 1, mappingValue: true)));
            if (AtEnd || Column - 1 < indent)
            {
                return new MappingNode(entries, location);
            }

            if (Column - 1 > indent || AtSequenceEntry)
            {
                throw NotInSubset();
            }
        }
    }

    private SequenceNode ReadBlockSequence(int indent, int depth, bool indentless)
    {
        var location = Here;
        CountNode(depth);
        var items = new List<SyntaxNode>();
        while (true)
        {
            _pos++; // the '-'
            var afterEntry = Here;
            SkipSpaces();
            if (AtLineEnd)
            {
                items.Add(ReadValueOnNextLines(indent, depth + 1, mappingValue: false, afterEntry));
            }
            else if (LooksLikeKey())
            {
                items.Add(ReadBlockMapping(Column - 1, depth + 1));
            }
            else
            {
                items.Add(ReadValueOnLine(indent, depth + 1));
            }

            if (AtEnd || Column - 1 < indent)
            {
                return new SequenceNode(items, location);
            }

            if (Column - 1 > indent)
            {
                throw NotInSubset();
            }

            if (!AtSequenceEntry)
            {
                // At a sequence's own indentation only an entry may follow, unless the sequence
                // is a mapping's value written at its key's indentation: then the mapping goes on.
                return indentless ? new SequenceNode(items, location) : throw NotInSubset();
            }
        }
    }

    /// <summary>After a key's ':': the value on this line or, after the line's end, on the next ones.</summary>
    private SyntaxNode ReadBlockValue(int parentIndent, int depth, bool mappingValue)
    {
        var afterColon = Here;
        SkipSpaces();
        return AtLineEnd ? ReadValueOnNextLines(parentIndent, depth, mappingValue, afterColon) : ReadValueOnLine(parentIndent, depth);
    }

    /// <param name="emptyAt">Where an empty value is, as YamlDotNet says: right behind its ':' or '-'.</param>
    private SyntaxNode ReadValueOnNextLines(int parentIndent, int depth, bool mappingValue, SourceLocation emptyAt)
    {
        EndLine();
        if (!AtEnd)
        {
            var indent = Column - 1;
            if (indent > parentIndent)
            {
                if (AtSequenceEntry)
                {
                    return ReadBlockSequence(indent, depth, indentless: false);
                }

                // A nested mapping; a scalar alone on the next line is outside the subset.
                return LooksLikeKey() ? ReadBlockMapping(indent, depth) : throw NotInSubset();
            }

            if (indent == parentIndent && mappingValue && AtSequenceEntry)
            {
                return ReadBlockSequence(indent, depth, indentless: true);
            }
        }

        CountNode(depth);
        return new ScalarNode("", IsPlain: true, emptyAt);
    }

    private SyntaxNode ReadValueOnLine(int parentIndent, int depth)
    {
        SyntaxNode value = Current is '[' or '{' ? ReadFlowCollection(depth, parentIndent) : ReadScalarOnLine(depth, flow: false);
        EndLine();
        return value;
    }

    private SyntaxNode ReadFlowCollection(int depth, int parentIndent)
    {
        var location = Here;
        CountNode(depth);
        var open = Current;
        _pos++;
        SkipFlowSpace(parentIndent);
        if (open == '[')
        {
            var items = new List<SyntaxNode>();
            if (Current is ']')
            {
                _pos++;
                return new SequenceNode(items, location);
            }

            while (true)
            {
                items.Add(ReadFlowNode(depth + 1, parentIndent));
                SkipFlowSpace(parentIndent);
                if (Current is ']')
                {
                    _pos++;
                    return new SequenceNode(items, location);
                }

                ExpectFlowSeparator(parentIndent, ']');
            }
        }

        var entries = new List<MappingEntry>();
        var seen = new SeenKeys();
        if (Current is '}')
        {
            _pos++;
            return new MappingNode(entries, location);
        }

        while (true)
        {
            var key = ReadKey(depth + 1, flow: true);
            if (!seen.Add(key.Text))
            {
                throw NotInSubset();
            }

            SkipFlowSpace(parentIndent);
            entries.Add(new MappingEntry(key, ReadFlowNode(depth + 1, parentIndent)));
            SkipFlowSpace(parentIndent);
            if (Current is '}')
            {
                _pos++;
                return new MappingNode(entries, location);
            }

            ExpectFlowSeparator(parentIndent, '}');
        }
    }

    // A ',' and then another entry (a trailing ',' is YAML, but left to YamlDotNet).
    private void ExpectFlowSeparator(int parentIndent, char close)
    {
        if (Current is not ',')
        {
            throw NotInSubset();
        }

        _pos++;
        SkipFlowSpace(parentIndent);
        if (Current == close || Current is ',')
        {
            throw NotInSubset();
        }
    }

    private SyntaxNode ReadFlowNode(int depth, int parentIndent) =>
        Current is '[' or '{' ? ReadFlowCollection(depth, parentIndent) : ReadScalarOnLine(depth, flow: true);

    /// <summary>A key and its ':' (which a quoted key in a flow mapping may have right behind it, as JSON does).</summary>
    private ScalarNode ReadKey(int depth, bool flow)
    {
        var start = _pos;
        var key = ReadScalarOnLine(depth, flow);
        if (_pos - start > MaxImplicitKeyLength || Current is not ':' || (key.IsPlain || !flow) && !IsBlankOrEnd(_pos + 1))
        {
            throw NotInSubset();
        }

        _pos++;
        return key;
    }

    /// <summary>Whether the line from here is a key: a scalar and then ':' and a blank.</summary>
    private readonly bool LooksLikeKey()
    {
        var copy = this;
        copy._unescaped = null;
        try
        {
            copy.ReadScalarOnLine(depth: 0, flow: false);
        }
        catch (NotInSubsetException)
        {
            return false;
        }

        return copy.Current is ':' && copy.IsBlankOrEnd(copy._pos + 1);
    }

    private ScalarNode ReadScalarOnLine(int depth, bool flow)
    {
        var location = Here;
        CountNode(depth);
        return Current switch
        {
            '\'' => new ScalarNode(ReadSingleQuoted(), IsPlain: false, location),
            '"' => new ScalarNode(ReadDoubleQuoted(), IsPlain: false, location),
            _ => new ScalarNode(ReadPlain(flow), IsPlain: true, location),
        };
    }

    private string ReadPlain(bool flow)
    {
        var c = Current;
        // Indicators that cannot start a plain scalar, or that start one only in some places.
        if (AtLineEnd || c is '-' or '?' or ':' && IsBlankOrEnd(_pos + 1) || c is '?' or ':' or ',' or '[' or ']' or '{' or '}'
            or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or ' ')
        {
            throw NotInSubset();
        }

        var start = _pos;
        var end = _pos;
        while (true)
        {
            c = Current;
            if (c is '\n' || AtEnd || c is ':' && (IsBlankOrEnd(_pos + 1) || flow) || c is ' ' && At(_pos + 1) is '#')
            {
                break;
            }

            if (c is ',' or '[' or ']' or '{' or '}')
            {
                if (flow)
                {
                    break;
                }
            }

            _pos++;
            if (c != ' ')
            {
                end = _pos;
            }
        }

        return new string(_text[start..end]);
    }

    private string ReadSingleQuoted()
    {
        _pos++;
        var start = _pos;
        var builder = (StringBuilder?)null;
        while (true)
        {
            if (AtEnd || Current is '\n')
            {
                throw NotInSubset(); // unclosed, or a quoted scalar over several lines (folded)
            }

            if (Current is '\'')
            {
                if (At(_pos + 1) is '\'')
                {
                    builder ??= Unescaped();
                    builder.Append(_text[start..(_pos + 1)]);
                    _pos += 2;
                    start = _pos;
                    continue;
                }

                var text = builder is null ? new string(_text[start.._pos]) : builder.Append(_text[start.._pos]).ToString();
                _pos++;
                return text;
            }

            _pos++;
        }
    }

    private string ReadDoubleQuoted()
    {
        _pos++;
        var start = _pos;
        var builder = (StringBuilder?)null;
        while (true)
        {
            if (AtEnd || Current is '\n')
            {
                throw NotInSubset();
            }

            var c = Current;
            if (c is '"')
            {
                var text = builder is null ? new string(_text[start.._pos]) : builder.Append(_text[start.._pos]).ToString();
                _pos++;
                return text;
            }

            if (c is '\\')
            {
                builder ??= Unescaped();
                builder.Append(_text[start.._pos]);
                builder.Append(Unescape(At(_pos + 1)));
                _pos += 2;
                start = _pos;
                continue;
            }

            _pos++;
        }
    }

    // The common escapes; the rest (\0, which the reader reports, \x, \u, line continuations,
    // YAML's own \N \_ \L \P) are left to YamlDotNet.
    private static char Unescape(char c) => c switch
    {
        '\\' => '\\',
        '"' => '"',
        '/' => '/',
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'a' => '\a',
        'b' => '\b',
        'e' => '\u001B',
        'f' => '\f',
        'v' => '\v',
        ' ' => ' ',
        _ => throw NotInSubset(),
    };

    private StringBuilder Unescaped() => (_unescaped ??= new StringBuilder()).Clear();

    /// <summary>Spaces, a comment, the line's end, then blank and comment lines: stops at the next content or the end.</summary>
    private void EndLine()
    {
        SkipSpaces();
        if (!AtLineEnd)
        {
            throw NotInSubset(); // more on the line, or a '#' right after a value ("a"#b): YamlDotNet's call
        }

        SkipToContent();
    }

    private void SkipToContent()
    {
        while (true)
        {
            SkipSpaces();
            if (Current is '#')
            {
                var newline = _text[_pos..].IndexOf('\n');
                _pos = newline < 0 ? _text.Length : _pos + newline;
            }

            if (AtEnd)
            {
                return;
            }

            if (Current is not '\n')
            {
                if (Column == 1 && IsDocumentMarker())
                {
                    throw NotInSubset();
                }

                return;
            }

            NewLine();
        }
    }

    // Between the entries of a flow collection: spaces, comments and line breaks; a line that
    // goes on must be indented more than the block the collection is in.
    private void SkipFlowSpace(int parentIndent)
    {
        while (true)
        {
            SkipSpaces();
            if (Current is '#')
            {
                if (!AtLineEnd)
                {
                    throw NotInSubset(); // a '#' right after a value
                }

                var newline = _text[_pos..].IndexOf('\n');
                _pos = newline < 0 ? _text.Length : _pos + newline;
            }

            if (AtEnd)
            {
                throw NotInSubset(); // unclosed
            }

            if (Current is not '\n')
            {
                return;
            }

            NewLine();
            SkipSpaces();
            if (!AtEnd && Current is not '\n' && (Column - 1 <= parentIndent || Column == 1 && IsDocumentMarker()))
            {
                throw NotInSubset();
            }
        }
    }

    private bool IsDocumentMarker() =>
        (_text[_pos..].StartsWith("---", StringComparison.Ordinal) || _text[_pos..].StartsWith("...", StringComparison.Ordinal)) && IsBlankOrEnd(_pos + 3);

    private bool SkipSpaces()
    {
        var start = _pos;
        while (Current is ' ')
        {
            _pos++;
        }

        return _pos > start;
    }

    private void NewLine()
    {
        _pos++;
        _line++;
        _lineStart = _pos;
    }

    private void CountNode(int depth)
    {
        if (depth > _limits.MaxDepth || ++_nodes > _limits.MaxExpandedNodes)
        {
            throw NotInSubset(); // YamlDotNet's reader reports it
        }
    }

    private readonly bool AtEnd => _pos >= _text.Length;

    private readonly char Current => At(_pos);

    private readonly char At(int index) => index < _text.Length ? _text[index] : '\0';

    private readonly bool AtLineEnd => AtEnd || _text[_pos] is '\n' || _text[_pos] is '#' && _pos > 0 && _text[_pos - 1] is ' ' or '\n';

    private readonly bool AtSequenceEntry => Current is '-' && IsBlankOrEnd(_pos + 1);

    private readonly bool IsBlankOrEnd(int index) => index >= _text.Length || _text[index] is ' ' or '\n';

    private readonly int Column => _pos - _lineStart + 1;

    private readonly SourceLocation Here => new(_file, _line, Column);

    private static NotInSubsetException NotInSubset() => NotInSubsetException.Instance;

    /// <summary>Unwinds the reader when the text leaves the subset; one instance, it carries nothing.</summary>
    private sealed class NotInSubsetException : Exception
    {
        public static readonly NotInSubsetException Instance = new();
    }
}
