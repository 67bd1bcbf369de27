namespace Vse.Description.Syntax;

/// <summary>
/// Bounds that keep hostile input (alias bombs, huge or deeply nested files) from costing more
/// than a moment. Real descriptions are a few kilobytes.
/// </summary>
public sealed record ReaderLimits(long MaxFileBytes, int MaxDepth, long MaxExpandedNodes)
{
    public static ReaderLimits Default { get; } = new(MaxFileBytes: 1024 * 1024, MaxDepth: 64, MaxExpandedNodes: 100_000);
}
