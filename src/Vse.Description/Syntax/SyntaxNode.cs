using Vse.Description.Diagnostics;

namespace Vse.Description.Syntax;

/// <summary>
/// A YAML node with its position. Descriptions are read into this small tree rather than
/// deserialised into objects so that every later stage can point at the exact line and column.
/// </summary>
public abstract record SyntaxNode(SourceLocation Location);

/// <param name="IsPlain">
/// True for an unquoted scalar. Only plain scalars are read as null, booleans or numbers, so
/// <c>"8"</c> stays a string where a string is wanted and <c>8</c> can be an integer.
/// </param>
public sealed record ScalarNode(string Text, bool IsPlain, SourceLocation Location) : SyntaxNode(Location)
{
    public bool IsNull => IsPlain && Text is "" or "~" or "null" or "Null" or "NULL";
}

public sealed record SequenceNode(IReadOnlyList<SyntaxNode> Items, SourceLocation Location) : SyntaxNode(Location);

public sealed record MappingNode(IReadOnlyList<MappingEntry> Entries, SourceLocation Location) : SyntaxNode(Location);

public sealed record MappingEntry(ScalarNode Key, SyntaxNode Value);
