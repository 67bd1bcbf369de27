namespace Vse.Runtime.Oci;

/// <summary>The cache file's content; <see cref="Version"/> lets a later format ignore this one instead of misreading it.</summary>
internal sealed record OciProbeCacheFile(int Version, IReadOnlyList<OciProbeCacheEntry> Entries)
{
    public const int CurrentVersion = 1;
}
