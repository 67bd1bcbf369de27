using Vse.Host.FileSystem;

namespace Vse.Build.Layers;

/// <summary>What happened to a path of an image: it was added, changed or deleted.</summary>
public enum FileChangeKind
{
    Added,
    Changed,
    Deleted,
}

/// <summary>
/// One path that differs between an image and what an overlay's upper directory made of it.
/// </summary>
/// <param name="Path">Absolute, inside the image (<c>/etc/motd</c>).</param>
/// <param name="Before">The image's node (null when added).</param>
/// <param name="After">The changed node (null when deleted).</param>
/// <param name="Aspects">For a change, what differs: <c>type</c>, <c>content</c>, <c>target</c> (a symlink's), <c>mode</c>, <c>owner</c>.</param>
/// <param name="LinkTarget">A symlink's target after the change (null for other nodes, and when deleted).</param>
public sealed record FileChange(string Path, FileChangeKind Kind, NodeStatus? Before, NodeStatus? After, IReadOnlyList<string> Aspects, string? LinkTarget);
