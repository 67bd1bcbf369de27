namespace Vse.Build.Locks;

/// <summary>What changed between two environments' lock files: the answer to "why do these differ?".</summary>
/// <param name="FirstDifferentLayer">The first step whose layer differs (1-based), or null when the layers are the same.</param>
public sealed record LockDifference(
    bool SameDescription,
    bool SameBase,
    bool SamePolicy,
    int? FirstDifferentLayer,
    IReadOnlyList<string> AddedPackages,
    IReadOnlyList<string> RemovedPackages,
    IReadOnlyList<(string Package, string From, string To)> ChangedPackages)
{
    public bool Identical => SameDescription && SameBase && SamePolicy && FirstDifferentLayer is null
        && AddedPackages.Count == 0 && RemovedPackages.Count == 0 && ChangedPackages.Count == 0;

    public static LockDifference Between(LockFile a, LockFile b)
    {
        int? firstDifferent = null;
        for (var i = 0; i < Math.Max(a.Layers.Count, b.Layers.Count); i++)
        {
            if (i >= a.Layers.Count || i >= b.Layers.Count || a.Layers[i].Key != b.Layers[i].Key)
            {
                firstDifferent = i + 1;
                break;
            }
        }

        return new LockDifference(
            a.Description == b.Description,
            a.Base == b.Base,
            a.Policy == b.Policy,
            firstDifferent,
            b.Packages.Keys.Except(a.Packages.Keys).Order(StringComparer.Ordinal).ToList(),
            a.Packages.Keys.Except(b.Packages.Keys).Order(StringComparer.Ordinal).ToList(),
            a.Packages.Where(p => b.Packages.TryGetValue(p.Key, out var to) && to != p.Value)
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => (p.Key, p.Value, b.Packages[p.Key])).ToList());
    }
}
