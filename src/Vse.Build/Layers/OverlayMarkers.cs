using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Layers;

/// <summary>
/// How overlayfs records changes in an upper directory: a deleted name becomes a character
/// device 0/0 (a whiteout); a directory that replaced a lower one is marked opaque with an
/// xattr (<c>trusted.</c> as root, <c>user.</c> in a user namespace with <c>userxattr</c>).
/// </summary>
internal static class OverlayMarkers
{
    private static readonly string[] OpaqueAttributes = ["trusted.overlay.opaque", "user.overlay.opaque"];

    /// <summary>
    /// overlayfs's own xattr namespaces (Documentation/filesystems/overlayfs.rst): <c>trusted.overlay.</c>,
    /// or <c>user.overlay.</c> under <c>userxattr</c>. Besides opaque they hold origin (a binary
    /// file handle of the lower file on the build host's disk), impure, nlink, upper, metacopy,
    /// redirect, uuid and whiteout, all of which describe one overlay mount and mean nothing
    /// outside it; a process in the overlay can neither read nor set them.
    /// </summary>
    public static IReadOnlyList<string> PrivateAttributePrefixes { get; } = ["trusted.overlay.", "user.overlay."];

    /// <summary>
    /// Removes overlayfs's private xattrs from a node that leaves the upper directory for a
    /// layer. A layer is a whole tree (whiteouts and opaque directories were applied, never
    /// kept: <see cref="UpperDirectoryApplier"/>), so none of them means anything in it.
    /// </summary>
    public static void DropPrivateAttributes(string hostPath) =>
        ExtendedAttributes.RemoveWithPrefix(hostPath, PrivateAttributePrefixes);

    public static bool IsWhiteout(NodeStatus status) =>
        status.Type == NodeType.CharacterDevice && status.DeviceMajor == 0 && status.DeviceMinor == 0;

    public static bool IsOpaque(string directory)
    {
        // Read into a few bytes: a longer value is not "y" either.
        return OpaqueAttributes.Any(name => ExtendedAttributes.TryRead(directory, name, maximumLength: 4) is [(byte)'y']);
    }
}
