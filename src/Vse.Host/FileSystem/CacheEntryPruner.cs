namespace Vse.Host.FileSystem;

/// <summary>
/// Removes the entries of one of the caches vse keeps beside its store (file digests, resolved
/// descriptions, the build memo) that can no longer be hit, for <c>vse gc</c>. A removed entry
/// costs at most a later miss, never a wrong hit, so a misjudged entry is only work done again.
/// </summary>
/// <remarks>
/// Entries are replaced by a rename (<see cref="CacheEntryWriter"/>), so an entry judged stale may
/// have been replaced by a fresh one before it is removed: the node is compared again just before
/// the removal and a different one is left, which narrows that race to a fresh entry written in
/// between the two, whose removal costs a miss. Anything in the directory that is not a regular
/// file was never written by vse and is removed as a name, never followed.
/// </remarks>
public static class CacheEntryPruner
{
    /// <param name="directory">The cache's directory; nothing happens when it does not exist.</param>
    /// <param name="canHit">Whether the entry at a path can still be hit.</param>
    /// <returns>How many entries were removed.</returns>
    public static int Prune(string directory, Func<string, bool> canHit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(canHit);
        if (Nodes.StatusOrNull(directory, followSymlink: false) is not { IsDirectory: true })
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in TreeWalker.Children(directory, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Status.Type == NodeType.RegularFile
                && (canHit(entry.HostPath) || Nodes.StatusOrNull(entry.HostPath, followSymlink: false) is not { } now || !now.IsSameNodeAs(entry.Status)))
            {
                continue;
            }

            if (TreeDeleter.Delete(entry.HostPath, cancellationToken))
            {
                removed++;
            }
        }

        return removed;
    }
}
