using Vse.Host.FileSystem;

namespace Vse.Build.Registry;

/// <summary>
/// What one layer changed over its parent, as an OCI layer says it: the nodes it added or
/// changed, and the paths it removed (whiteouts). Layers in the store are complete trees that
/// share unchanged files with their parent by hard links, and no step writes into an existing
/// file (docs/build.md), so a file or link is unchanged exactly when both trees hold the same
/// inode; a directory is always a new inode and is compared by its metadata.
/// </summary>
/// <param name="Changed">Relative paths (<c>etc/hostname</c>) of new or changed nodes in <see cref="TreeWalker.Walk"/> order: parents before children.</param>
/// <param name="Removed">Relative paths of nodes the parent had and this layer does not (only the topmost of a removed tree).</param>
public sealed record LayerDiff(IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    /// <summary>Compares <paramref name="rootfs"/> with <paramref name="parentRootfs"/> (null: everything is new).</summary>
    public static LayerDiff Between(string? parentRootfs, string rootfs, CancellationToken cancellationToken)
    {
        var changed = new List<string>();
        foreach (var entry in TreeWalker.Walk(rootfs, FileSystemBoundary.Stay, cancellationToken))
        {
            if (entry.RelativePath == ".")
            {
                continue;
            }

            var before = parentRootfs is null ? null : Nodes.TryGetStatus(Path.Combine(parentRootfs, entry.RelativePath));
            if (before is null || Differs(before, Path.Combine(parentRootfs!, entry.RelativePath), entry))
            {
                changed.Add(entry.RelativePath);
            }
        }

        var removed = new List<string>();
        if (parentRootfs is not null)
        {
            CollectRemoved(parentRootfs, rootfs, ".", removed, cancellationToken);
        }

        return new LayerDiff(changed, removed);
    }

    public bool IsEmpty => Changed.Count == 0 && Removed.Count == 0;

    private static bool Differs(NodeStatus before, string beforePath, TreeEntry after)
    {
        if (before.Type != after.Status.Type)
        {
            return true;
        }

        if (!after.Status.IsDirectory)
        {
            return !before.IsSameNodeAs(after.Status);
        }

        return before.Mode != after.Status.Mode
            || before.Uid != after.Status.Uid
            || before.Gid != after.Status.Gid
            || before.ModificationTime != after.Status.ModificationTime
            || !SameAttributes(ExtendedAttributes.Read(beforePath), ExtendedAttributes.Read(after.HostPath));
    }

    private static bool SameAttributes(IReadOnlyList<(string Name, byte[] Value)> a, IReadOnlyList<(string Name, byte[] Value)> b) =>
        a.Count == b.Count
        && a.OrderBy(x => x.Name, StringComparer.Ordinal).Zip(b.OrderBy(x => x.Name, StringComparer.Ordinal))
            .All(pair => pair.First.Name == pair.Second.Name && pair.First.Value.AsSpan().SequenceEqual(pair.Second.Value));

    /// <summary>
    /// Paths under <paramref name="relative"/> in the parent that the layer lacks, or holds as a
    /// node of another kind (the whiteout clears the old node, a directory with its contents,
    /// before the new one is written). A removed directory is one whiteout; its contents are not visited.
    /// </summary>
    private static void CollectRemoved(string parentRootfs, string rootfs, string relative, List<string> removed, CancellationToken cancellationToken)
    {
        foreach (var before in TreeWalker.Children(Path.Combine(parentRootfs, relative), cancellationToken))
        {
            var path = relative == "." ? Path.GetFileName(before.HostPath) : relative + "/" + Path.GetFileName(before.HostPath);
            var after = Nodes.TryGetStatus(Path.Combine(rootfs, path));
            if (after is null || before.Status.Type != after.Type)
            {
                removed.Add(path);
            }
            else if (before.Status.IsDirectory && !before.IsMountPoint)
            {
                CollectRemoved(parentRootfs, rootfs, path, removed, cancellationToken);
            }
        }
    }
}
