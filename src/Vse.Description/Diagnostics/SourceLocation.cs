namespace Vse.Description.Diagnostics;

/// <summary>A position in a description file; line and column are 1-based, as editors count them.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";

    /// <summary>The location of a whole file, for problems that have no better place (e.g. unreadable file).</summary>
    public static SourceLocation StartOf(string file) => new(file, 1, 1);
}
