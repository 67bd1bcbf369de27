using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Layers;

/// <summary>
/// Folds an overlayfs upper directory (what a command changed) into a snapshot (a hard-linked
/// clone of the layer below), producing the next full snapshot. Entries are moved with rename,
/// never copied, and a name is unlinked before anything takes its place, so the hard-linked
/// files the snapshot shares with its parent are never written through. Whiteouts become
/// deletions and opaque directories replace the snapshot's, so the layer is a plain tree that
/// keeps none of overlayfs's private xattrs (<see cref="OverlayMarkers.PrivateAttributePrefixes"/>).
/// </summary>
internal static class UpperDirectoryApplier
{
    /// <summary>
    /// Part of every sandbox step's layer key (<see cref="Steps.SandboxStep.InputDigestAsync"/>):
    /// bumped whenever what the applier keeps changes. v2: overlayfs's private xattrs dropped;
    /// v3: a directory's own xattrs kept (they were lost: only files, which are moved, kept theirs).
    /// </summary>
    public const string Revision = "upper-apply-v3";

    public static void Apply(string upper, string snapshot, CancellationToken cancellationToken) =>
        ApplyDirectory(upper, snapshot, cancellationToken);

    private static void ApplyDirectory(string upperDirectory, string snapshotDirectory, CancellationToken cancellationToken)
    {
        foreach (var child in TreeWalker.Children(upperDirectory, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (entry, status) = (child.HostPath, child.Status);
            var target = Path.Combine(snapshotDirectory, child.Name);
            var existing = Nodes.TryGetStatus(target);
            if (OverlayMarkers.IsWhiteout(status))
            {
                TreeDeleter.Delete(target, cancellationToken);
                continue;
            }

            if (!status.IsDirectory)
            {
                TreeDeleter.Delete(target, cancellationToken);
                // rename(2), not File.Move, which looks through a symlink at what it points to.
                if (NodeOperations.Rename(entry, target) is not 0 and var errno)
                {
                    throw HostError.Of(errno, "move into the layer", entry);
                }

                // A copied-up node carries trusted.overlay.origin (a file handle of this host's disk).
                OverlayMarkers.DropPrivateAttributes(target);
                continue;
            }

            if (existing is { IsDirectory: true } && OverlayMarkers.IsOpaque(entry))
            {
                TreeDeleter.Delete(target, cancellationToken);
                existing = null;
            }
            else if (existing is { IsDirectory: false })
            {
                TreeDeleter.Delete(target, cancellationToken);
                existing = null;
            }

            if (existing is null)
            {
                Directory.CreateDirectory(target);
            }

            ApplyDirectory(entry, target, cancellationToken);
            CopyAttributes(entry, target);
            CopyMetadata(status, target);
        }
    }

    /// <summary>
    /// A directory in the upper layer was copied up (with its xattrs) or created, so its xattrs are
    /// the truth, as its owner and mode are: the snapshot's copy gets exactly those, overlayfs's
    /// private ones left out. One the command removed goes from the snapshot's copy too.
    /// </summary>
    private static void CopyAttributes(string upperDirectory, string target)
    {
        var kept = ExtendedAttributes.Read(upperDirectory)
            .Where(attribute => !OverlayMarkers.PrivateAttributePrefixes.Any(prefix => attribute.Name.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        var stale = ExtendedAttributes.Names(target).Where(name => !kept.Any(attribute => attribute.Name == name)).ToList();
        // Removed by prefix, which may take a kept name that starts with a stale one: all kept ones are written after.
        ExtendedAttributes.RemoveWithPrefix(target, stale);
        foreach (var (name, value) in kept)
        {
            ExtendedAttributes.TryWrite(target, name, value);
        }
    }

    // A directory in the upper layer was copied up or created; its owner, mode and time are the truth.
    private static void CopyMetadata(NodeStatus status, string target)
    {
        NodeMetadata.TrySetOwner(target, new ImageOwner(status.Uid, status.Gid));
        NodeMetadata.SetMode(target, status.Mode);
        NodeMetadata.SetModificationTime(target, status.ModificationTime);
    }
}
