using Vse.Description.Diagnostics;

namespace Vse.Description.Provenance;

public enum ProvenanceAction
{
    /// <summary>A value given where there was none, or the same value given again.</summary>
    Set,

    /// <summary>A different value replaced an earlier one.</summary>
    Changed,

    /// <summary>The value was removed (<c>null</c>, <c>remove:</c>, <c>{id, remove: true}</c>, or a <c>KEY!</c> replacement).</summary>
    Removed,

    /// <summary>A set member or a step was added.</summary>
    Added,

    /// <summary>A step was replaced in place by one with the same id.</summary>
    Replaced,
}

/// <summary>One thing one layer did to one value.</summary>
/// <param name="Value">The value as it reads afterwards (null for removals and containers).</param>
public sealed record ProvenanceEvent(ProvenanceAction Action, string Layer, SourceLocation Location, string? Value);
