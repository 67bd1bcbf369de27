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
/// and <c>&gt;</c>, multi-line plain or quoted scalars, document markers and directives, tabs,
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
    private Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _shortTexts;

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
        while (true)
        {
            var key = ReadKey(depth + 1, flow: false);
            entries.Add(new MappingEntry(key, ReadBlockValue(indent, depth + 1, mappingValue: true)));
            if (AtEnd || Column - 1 < indent)
            {
                return Mapping(entries, location);
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
            var afterEntry = (_line, Column);
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
        var afterColon = (_line, Column);
        SkipSpaces();
        return AtLineEnd ? ReadValueOnNextLines(parentIndent, depth, mappingValue, afterColon) : ReadValueOnLine(parentIndent, depth);
    }

    /// <param name="emptyAt">Where an empty value is, as YamlDotNet says: right behind its ':' or '-'.</param>
    private SyntaxNode ReadValueOnNextLines(int parentIndent, int depth, bool mappingValue, (int Line, int Column) emptyAt)
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
        return new ScalarNode("", IsPlain: true, new SourceLocation(_file, emptyAt.Line, emptyAt.Column));
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
        if (Current is '}')
        {
            _pos++;
            return new MappingNode(entries, location);
        }

        while (true)
        {
            var key = ReadKey(depth + 1, flow: true);
            SkipFlowSpace(parentIndent);
            entries.Add(new MappingEntry(key, ReadFlowNode(depth + 1, parentIndent)));
            SkipFlowSpace(parentIndent);
            if (Current is '}')
            {
                _pos++;
                return Mapping(entries, location);
            }

            ExpectFlowSeparator(parentIndent, '}');
        }
    }

    // A key given twice is reported by YamlDotNet's reader. Checked once the mapping is read, when
    // its size is known: one set of the right size instead of one grown key by key.
    private static MappingNode Mapping(List<MappingEntry> entries, SourceLocation location)
    {
        if (entries.Count <= 8)
        {
            for (var i = 1; i < entries.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(entries[i].Key.Text, entries[j].Key.Text, StringComparison.Ordinal))
                    {
                        throw NotInSubset();
                    }
                }
            }
        }
        else
        {
            var keys = new HashSet<string>(entries.Count, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (!keys.Add(entry.Key.Text))
                {
                    throw NotInSubset();
                }
            }
        }

        return new MappingNode(entries, location);
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
    /// <remarks>Only looks (no exception: this is asked for every item of a sequence).</remarks>
    private readonly bool LooksLikeKey()
    {
        int end;
        switch (Current)
        {
            case '\'':
            case '"':
                end = EndOfQuoted(_pos);
                break;
            default:
                if (!CanStartPlain(_pos))
                {
                    return false;
                }

                end = ScanPlain(_pos, flow: false).End;
                break;
        }

        return end >= 0 && At(end) is ':' && IsBlankOrEnd(end + 1);
    }

    /// <returns>The index behind the closing quote of the scalar quoted at <paramref name="start"/>, or -1 if it does not close on its line.</returns>
    private readonly int EndOfQuoted(int start)
    {
        var quote = _text[start];
        for (var i = start + 1; i < _text.Length && _text[i] != '\n'; i++)
        {
            if (_text[i] == quote)
            {
                if (quote == '\'' && At(i + 1) is '\'')
                {
                    i++;
                    continue;
                }

                return i + 1;
            }

            if (quote == '"' && _text[i] == '\\')
            {
                i++;
            }
        }

        return -1;
    }

    private ScalarNode ReadScalarOnLine(int depth, bool flow)
    {
        var location = Here;
        CountNode(depth);
        return Current switch
        {
            '\'' or '"' => new ScalarNode(ReadQuoted(), IsPlain: false, location),
            _ => new ScalarNode(ReadPlain(flow), IsPlain: true, location),
        };
    }

    private string ReadPlain(bool flow)
    {
        if (!CanStartPlain(_pos))
        {
            throw NotInSubset();
        }

        var (end, textEnd) = ScanPlain(_pos, flow);
        var text = Text(_text[_pos..textEnd]);
        _pos = end;
        return text;
    }

    // Indicators that cannot start a plain scalar, or that start one only in some places ("[-]":
    // YamlDotNet reports a '-' before a flow indicator; found by the fuzz test).
    private readonly bool CanStartPlain(int i)
    {
        var c = At(i);
        return i < _text.Length && !(c is '\n' or ' ' or '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>'
            or '\'' or '"' or '%' or '@' or '`' || c is '-' && (IsBlankOrEnd(i + 1) || At(i + 1) is ',' or '[' or ']' or '{' or '}'));
    }

    /// <returns>Where the plain scalar from <paramref name="start"/> stops, and where its text ends (trailing spaces are not part of it).</returns>
    private readonly (int End, int TextEnd) ScanPlain(int start, bool flow)
    {
        var i = start;
        var textEnd = start;
        while (i < _text.Length)
        {
            var c = _text[i];
            if (c is '\n' || c is ':' && (flow || IsBlankOrEnd(i + 1)) || c is ' ' && At(i + 1) is '#' || flow && c is ',' or '[' or ']' or '{' or '}')
            {
                break;
            }

            if (c is ' ' && At(i + 1) is '*')
            {
                throw NotInSubset(); // "k *a: v": YamlDotNet reads the whole line as one scalar, not a key (found by the fuzz test)
            }

            i++;
            if (c != ' ')
            {
                textEnd = i;
            }
        }

        return (i, textEnd);
    }

    // '' in single quotes is one '; a backslash in double quotes escapes the character after it.
    private string ReadQuoted()
    {
        var quote = Current;
        _pos++;
        var start = _pos;
        var builder = (StringBuilder?)null;
        while (true)
        {
            if (AtEnd || Current is '\n')
            {
                throw NotInSubset(); // unclosed, or a quoted scalar over several lines (folded)
            }

            var c = Current;
            if (c == quote && !(quote == '\'' && At(_pos + 1) is '\''))
            {
                var text = builder is null ? Text(_text[start.._pos]) : builder.Append(_text[start.._pos]).ToString();
                _pos++;
                return text;
            }

            if (c == quote || quote == '"' && c is '\\')
            {
                builder ??= Unescaped();
                builder.Append(_text[start.._pos]).Append(c == quote ? quote : Unescape(At(_pos + 1)));
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

    /// <summary>
    /// The scalar's text; a short one is made once per file. Short keys and values repeat in every
    /// step and mount (<c>mode</c>, <c>source</c>, <c>to</c>, <c>ro</c>, <c>0644</c>): in the 10,000-key
    /// benchmark ~7,000 copies of ~20 words, which lived as long as the resolved description that
    /// holds them.
    /// </summary>
    private string Text(ReadOnlySpan<char> text)
    {
        const int Short = 8;
        if (text.Length > Short)
        {
            return new string(text);
        }

        if (_shortTexts.Dictionary is null)
        {
            _shortTexts = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        }

        if (!_shortTexts.TryGetValue(text, out var known))
        {
            known = new string(text);
            _shortTexts.Dictionary[known] = known;
        }

        return known;
    }

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
                SkipComment();
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

                SkipComment();
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

    private void SkipComment()
    {
        var newline = _text[_pos..].IndexOf('\n');
        _pos = newline < 0 ? _text.Length : _pos + newline;
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
