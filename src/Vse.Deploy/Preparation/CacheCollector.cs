using Vse.Description.Caching;
using Vse.Host.FileSystem;
using Vse.Host.Locking;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Deploy.Preparation;

/// <summary>
/// Prunes what a repeated command reads instead of computing it again (docs/build.md, "What a
/// repeated command reads"): the entries of the resolve cache, the build memo and the file digest
/// cache that can no longer be hit, the configurations' sightings, and the bulk launcher's
/// compiled syscall filters of profiles other than this vse's. For <c>vse gc</c>, after <see cref="LayerCollector"/>, so the memo's
/// entries naming layers it removed go too. Every removal only costs a later miss: entries are
/// replaced by renames and read whole or not at all, and a missing filter is compiled again.
/// </summary>
public static class CacheCollector
{
    /// <summary>
    /// How long a resolved description is kept without being written again: one that waits for an
    /// environment value or a search path that never comes back cannot be judged otherwise.
    /// </summary>
    public static TimeSpan ResolvedLifetime { get; } = TimeSpan.FromDays(30);

    /// <summary>The shared filter's name is <c>launch-seccomp-KEY.bpf</c> (<see cref="LaunchSeccompFilter.SharedPath"/>).</summary>
    private const string FilterPrefix = "launch-seccomp-";

    private const string FilterSuffix = ".bpf";

    public sealed record Collected(int ResolvedDescriptions, int RememberedBuilds, int FileDigests, int LauncherFilters);

    /// <param name="resolveCache">This user's resolve cache (in the data directory, not the store).</param>
    /// <param name="now">What the resolve cache's entries' ages are measured from.</param>
    public static async Task<Collected> CollectAsync(Workspace workspace, ResolveCache resolveCache, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(resolveCache);
        // Held as for layers: no build reads the memo or the digests of the store while they are judged.
        await using var storeLock = await StoreLock.AcquireAsync(workspace.Store.StoreLockFile, exclusive: true, cancellationToken);
        // Each sighting is of a database state that any commit ends; the file goes whole, and the
        // next read of a configuration by id writes it again (docs/build.md, "The configuration
        // without the database").
        workspace.Sightings.Forget();
        return new Collected(
            resolveCache.Prune(now, ResolvedLifetime, cancellationToken),
            workspace.Store.BuildMemo.Prune(workspace.Layers, cancellationToken),
            workspace.Store.FileDigests.Prune(cancellationToken),
            RemoveOtherFilters(workspace.Home.Root, cancellationToken));
    }

    /// <summary>
    /// Removes the compiled launcher filters in <paramref name="directory"/> (vse's home) other than
    /// the one of this vse's profile: another version's, which that version compiles again if it
    /// is run again. Its temporary files are left: they are this vse's, being written, or removed by
    /// the writer as it ends.
    /// </summary>
    private static int RemoveOtherFilters(string directory, CancellationToken cancellationToken)
    {
        var current = Path.GetFileName(LaunchSeccompFilter.SharedPath(directory));
        return TreeWalker.Children(directory, cancellationToken)
            .Where(entry => !entry.Status.IsDirectory && entry.Name != current
                && entry.Name.StartsWith(FilterPrefix, StringComparison.Ordinal) && entry.Name.EndsWith(FilterSuffix, StringComparison.Ordinal))
            .Count(entry => TreeDeleter.Delete(entry.HostPath, cancellationToken));
    }
}
