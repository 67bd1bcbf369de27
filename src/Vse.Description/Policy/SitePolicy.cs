namespace Vse.Description.Policy;

/// <summary>
/// The policy of every trusted layer of a description. Rules are kept per layer, not pre-merged,
/// so that a violation can cite the rule's own file and line; they combine as "most restrictive
/// wins": every lock, every deny and every allow-list applies, and the smallest limit binds.
/// </summary>
public sealed record SitePolicy(IReadOnlyList<PolicyRules> Layers)
{
    public static SitePolicy None { get; } = new([]);

    public bool IsEmpty => Layers.Count == 0;
}
