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

    public static bool IsWhiteout(NodeStatus status) =>
        status.Type == NodeType.CharacterDevice && status.DeviceMajor == 0 && status.DeviceMinor == 0;

    public static bool IsOpaque(string directory)
    {
        // Read into a few bytes: a longer value is not "y" either.
        return OpaqueAttributes.Any(name => ExtendedAttributes.TryRead(directory, name, maximumLength: 4) is [(byte)'y']);
    }
}
