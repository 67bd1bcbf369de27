namespace Vse.Build.Rootless;

/// <summary>A block of subordinate ids from <c>/etc/subuid</c> or <c>/etc/subgid</c>: <paramref name="Count"/> ids from <paramref name="Start"/>.</summary>
public sealed record SubordinateRange(uint Start, uint Count)
{
    /// <summary>The first id after the range.</summary>
    public ulong End => (ulong)Start + Count;
}
