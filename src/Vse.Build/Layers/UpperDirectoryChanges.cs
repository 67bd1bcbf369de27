using Microsoft.Win32.SafeHandles;
using Vse.Host.FileSystem;

namespace Vse.Build.Layers;

/// <summary>
/// What an overlay's upper directory changed in the image below it, read on the host without
/// running anything in the instance: an entry of the upper directory the image lacks is added; a
/// whiteout over an image entry is a deletion (of the whole tree, for a directory); an opaque
/// directory deletes what the image had in it and the upper directory does not hold again; an
/// entry over an image entry is a change when its type, content, symlink target, mode or owner
/// differ (a copy-up alone, e.g. after <c>touch</c>, is no change). Entries are opened below the
/// two roots without following a symlink: the upper directory is the instance's to write.
/// </summary>
public static class UpperDirectoryChanges
{
    private const int CompareBuffer = 64 * 1024;

    /// <summary>Every change, in path order (a directory before what is in it).</summary>
    public static IReadOnlyList<FileChange> Between(string image, string upper, CancellationToken cancellationToken)
    {
        using var imageRoot = HostOpen.PathOnly(image, HostOpen.Rule.Follow);
        using var upperRoot = HostOpen.PathOnly(upper, HostOpen.Rule.Follow);
        var changes = new List<FileChange>();
        new Reader(image, upper, imageRoot, upperRoot, changes).Directory("", opaque: false, cancellationToken);
        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    private sealed record Reader(string Image, string Upper, SafeFileHandle ImageRoot, SafeFileHandle UpperRoot, List<FileChange> Changes)
    {
        /// <param name="relative">The directory, below both roots, without a leading slash ("" for the root).</param>
        /// <param name="opaque">
        /// The directory (or one above it) is opaque: overlayfs shows none of the image's entries
        /// in it, so each image entry the upper directory does not hold again is deleted, and a
        /// directory held again is not merged with the image's.
        /// </param>
        public void Directory(string relative, bool opaque, CancellationToken cancellationToken)
        {
            var upperDirectory = Path.Combine(Upper, relative);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var child in TreeWalker.Children(upperDirectory, cancellationToken))
            {
                var path = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
                seen.Add(child.Name);
                var before = Nodes.TryGetStatus(Path.Combine(Image, path));
                if (OverlayMarkers.IsWhiteout(child.Status))
                {
                    if (before is not null)
                    {
                        DeletedTree(path, before, cancellationToken);
                    }

                    continue;
                }

                if (before is null)
                {
                    AddedTree(path, child.Status, cancellationToken);
                    continue;
                }

                var aspects = Differences(path, before, child.Status);
                if (aspects.Count > 0)
                {
                    Changes.Add(new FileChange("/" + path, FileChangeKind.Changed, before, child.Status, aspects, LinkOf(Path.Combine(Upper, path), child.Status)));
                }

                if (child.Status.IsDirectory && before.IsDirectory)
                {
                    Directory(path, opaque || OverlayMarkers.IsOpaque(child.HostPath), cancellationToken);
                }
                else if (child.Status.IsDirectory)
                {
                    // A directory replaced a file: everything in it is new.
                    AddedChildren(path, cancellationToken);
                }
            }

            if (opaque && Nodes.TryGetStatus(Path.Combine(Image, relative)) is { IsDirectory: true })
            {
                foreach (var hidden in TreeWalker.Children(Path.Combine(Image, relative), cancellationToken).Where(h => !seen.Contains(h.Name)))
                {
                    DeletedTree(relative.Length == 0 ? hidden.Name : relative + "/" + hidden.Name, hidden.Status, cancellationToken);
                }
            }
        }

        private void AddedTree(string path, NodeStatus status, CancellationToken cancellationToken)
        {
            Changes.Add(new FileChange("/" + path, FileChangeKind.Added, null, status, [], LinkOf(Path.Combine(Upper, path), status)));
            if (status.IsDirectory)
            {
                AddedChildren(path, cancellationToken);
            }
        }

        private void AddedChildren(string path, CancellationToken cancellationToken)
        {
            foreach (var entry in TreeWalker.Walk(Path.Combine(Upper, path), FileSystemBoundary.Stay, cancellationToken).Skip(1))
            {
                if (!OverlayMarkers.IsWhiteout(entry.Status))
                {
                    var inner = path + "/" + entry.RelativePath;
                    Changes.Add(new FileChange("/" + inner, FileChangeKind.Added, null, entry.Status, [], LinkOf(entry.HostPath, entry.Status)));
                }
            }
        }

        private void DeletedTree(string path, NodeStatus before, CancellationToken cancellationToken)
        {
            Changes.Add(new FileChange("/" + path, FileChangeKind.Deleted, before, null, [], null));
            if (before.IsDirectory)
            {
                foreach (var entry in TreeWalker.Walk(Path.Combine(Image, path), FileSystemBoundary.Stay, cancellationToken).Skip(1))
                {
                    Changes.Add(new FileChange("/" + path + "/" + entry.RelativePath, FileChangeKind.Deleted, entry.Status, null, [], null));
                }
            }
        }

        private List<string> Differences(string path, NodeStatus before, NodeStatus after)
        {
            var aspects = new List<string>();
            if (before.Type != after.Type)
            {
                aspects.Add("type");
            }
            else if (after.Type == NodeType.RegularFile && !SameContent(path, before, after))
            {
                aspects.Add("content");
            }
            else if (after.IsSymlink && LinkOf(Path.Combine(Image, path), before) != LinkOf(Path.Combine(Upper, path), after))
            {
                aspects.Add("target");
            }
            else if (after.Type is NodeType.CharacterDevice or NodeType.BlockDevice && (before.DeviceMajor, before.DeviceMinor) != (after.DeviceMajor, after.DeviceMinor))
            {
                aspects.Add("device");
            }

            if (!after.IsSymlink && before.Mode != after.Mode)
            {
                aspects.Add("mode");
            }

            if (before.Uid != after.Uid || before.Gid != after.Gid)
            {
                aspects.Add("owner");
            }

            return aspects;
        }

        private bool SameContent(string path, NodeStatus before, NodeStatus after)
        {
            if (before.Size != after.Size)
            {
                return false;
            }

            using var first = HostOpen.ReadRegularFile(path, HostOpen.Rule.BeneathNoSymlinks, ImageRoot);
            using var second = HostOpen.ReadRegularFile(path, HostOpen.Rule.BeneathNoSymlinks, UpperRoot);
            var a = new byte[CompareBuffer];
            var b = new byte[CompareBuffer];
            while (true)
            {
                var read = first.ReadAtLeast(a, a.Length, throwOnEndOfStream: false);
                var other = second.ReadAtLeast(b, b.Length, throwOnEndOfStream: false);
                if (read != other || !a.AsSpan(0, read).SequenceEqual(b.AsSpan(0, other)))
                {
                    return false;
                }

                if (read < a.Length)
                {
                    return true;
                }
            }
        }

        private static string? LinkOf(string hostPath, NodeStatus status) =>
            status.IsSymlink ? new FileInfo(hostPath).LinkTarget : null;
    }
}
