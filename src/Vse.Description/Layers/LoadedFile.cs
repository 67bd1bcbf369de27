using Vse.Description.Syntax;

namespace Vse.Description.Layers;

/// <summary>A description file found on the search path and parsed, before its content is checked.</summary>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Name">Its <c>name</c>, or its file name when it has none (which is reported).</param>
public sealed record LoadedFile(string Path, string Name, SyntaxNode Root, bool Trusted, IReadOnlyList<Located<string>> Extends);
