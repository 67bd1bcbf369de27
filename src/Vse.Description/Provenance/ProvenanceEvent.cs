using Vse.Description.Diagnostics;
using Vse.Description.Model;

namespace Vse.Description.Provenance;

public enum ProvenanceAction
{
    /// <summary>A value given where there was none.</summary>
    Set,

    /// <summary>The same value given again: recorded, but not a change (a lock allows it).</summary>
    Restated,

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
/// <param name="Value">The value given (a step's verb and operand for steps); null for removals and set members.</param>
public sealed record ProvenanceEvent(ProvenanceAction Action, string Layer, SourceLocation Location, ScalarValue? Value);
