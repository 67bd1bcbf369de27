namespace Vse.Host.FileSystem;

/// <summary>
/// A directory of trees nothing needs any more, emptied off the critical path: a one-shot run's
/// state directory is moved here by one rename when its command ends, instead of being deleted
/// file by file (a dozen unlinks and rmdirs, each a journal update) while the user waits for the
/// exit code. The next run empties it while its runtime starts, and <c>vse gc</c> empties it too,
/// so a vse killed between the rename and the emptying leaves nothing gc cannot remove.
/// </summary>
/// <remarks>
/// Several processes may empty it at once: an emptier first claims an entry by renaming it to a
/// name of its own (<c>deleting-</c>...), which only one of them can do, and then deletes it, so
/// each entry is deleted and counted once. A claimed entry whose emptier was killed is left to
/// <c>vse gc</c> (<c>abandoned: true</c>); a run never takes one, which another run may still be
/// deleting. The deletion itself is <see cref="TreeDeleter"/>'s (no symlink followed, never
/// through a mount point: such an entry stays, for gc too, until someone unmounts what is mounted
/// in it).
/// The directory must be on the file system of what is discarded: where the rename fails
/// (another file system, a mount point), <see cref="TryDiscard"/> says so and the caller deletes in place.
/// </remarks>
public sealed class DiscardedTrees(string directory)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>How the name of an entry an emptier has claimed begins.</summary>
    private const string ClaimedPrefix = "deleting-";

    /// <summary>The directory the discarded trees are in.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>
    /// Moves <paramref name="path"/> (a directory or a file, never followed) into the trash under a
    /// new unique name; false when it cannot be moved there (it is gone, a mount point, on another
    /// file system), when the caller must delete it where it is.
    /// </summary>
    public bool TryDiscard(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            // Owner-only: what the trash holds was private to its owner where it was.
            System.IO.Directory.CreateDirectory(Directory, OwnerOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return NodeOperations.Rename(path, Path.Combine(Directory, Guid.NewGuid().ToString("N"))) == 0;
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> of the trash's entries; the number deleted. An entry
    /// another emptier claimed first is skipped, and so is one that cannot be deleted now (a mount
    /// inside it). With <paramref name="abandoned"/> (gc) entries already claimed are deleted too:
    /// those of an emptier that was killed, or one still at work, whose deletion this then joins.
    /// </summary>
    public int Empty(int limit = int.MaxValue, bool abandoned = false, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        foreach (var entry in Entries(cancellationToken))
        {
            if (deleted >= limit)
            {
                break;
            }

            var claimed = Claim(entry, abandoned);
            if (claimed is null)
            {
                continue;
            }

            try
            {
                TreeDeleter.Delete(claimed, cancellationToken);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // It holds a mount point, or cannot be read: left for later (gc).
            }
        }

        return deleted;
    }

    /// <summary>The entry's name once this emptier owns it, or null when it is not this one's to delete.</summary>
    private string? Claim(string entry, bool abandoned)
    {
        if (Path.GetFileName(entry).StartsWith(ClaimedPrefix, StringComparison.Ordinal))
        {
            return abandoned ? entry : null;
        }

        var claimed = Path.Combine(Directory, ClaimedPrefix + Guid.NewGuid().ToString("N"));
        return NodeOperations.Rename(entry, claimed) == 0 ? claimed : null;
    }

    /// <summary>What is in the trash now; none when it does not exist (or is not a directory: a link there is never followed).</summary>
    public IReadOnlyList<string> Entries(CancellationToken cancellationToken = default)
    {
        if (Nodes.TryGetStatus(Directory) is not { IsDirectory: true })
        {
            return [];
        }

        try
        {
            return [.. TreeWalker.Children(Directory, cancellationToken).Select(entry => entry.HostPath)];
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            return [];
        }
    }
}
