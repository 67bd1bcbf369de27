using Vse.Host;

namespace Vse.State;

/// <summary>A name or id prefix given by the user matches more than one record; the message lists them.</summary>
public sealed class AmbiguousReferenceException(string kind, string reference, IReadOnlyList<string> candidates)
    : StateException($"'{reference}' matches more than one {kind}: {string.Join(", ", candidates)}; give more of the id"), IInputError
{
    /// <summary>What was looked up: "configuration" or "deployment".</summary>
    public string Kind { get; } = kind;

    public string Reference { get; } = reference;

    /// <summary>The ids of every record that matched.</summary>
    public IReadOnlyList<string> Candidates { get; } = candidates;
}
