using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>What the invoking user may do to a host path.</summary>
public static class HostAccess
{
    private const string AccessAcl = "system.posix_acl_access";

    /// <summary>access(2) with W_OK: checked with the real uid, as the invoking user, which is what trust asks.</summary>
    public static bool IsWritable(string path) => Libc.Access(path, Libc.WriteOk) == 0;

    /// <summary>
    /// Whether the ordinary user who is root of this process's user namespace (vse's rootless
    /// build namespace) may write <paramref name="path"/> on the host. access(2) cannot say: it
    /// answers for root of the namespace, who may write whatever a mapped id owns. So the node's
    /// own owner and mode decide (<see cref="IsWritableByNamespaceOwner"/>); an unreadable node counts as writable.
    /// </summary>
    public static bool IsWritableByNamespaceOwner(string path) =>
        Nodes.StatusOrNull(path, followSymlink: false) is not { } status
        || IsWritableByNamespaceOwner(status.Uid, status.Mode, HasAccessAcl(path));

    /// <summary>
    /// The rule, as the host user would meet it: writable when the node is the user's (uid 0 in
    /// the namespace) with its owner's write bit, or has a group or others' write bit (the user's
    /// groups cannot be told apart there), or carries an access ACL (not interpreted: it may grant the user).
    /// </summary>
    public static bool IsWritableByNamespaceOwner(uint uid, UnixFileMode mode, bool hasAccessAcl) =>
        hasAccessAcl
        || (uid == 0 && mode.HasFlag(UnixFileMode.UserWrite))
        || (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;

    private static bool HasAccessAcl(string path) =>
        ExtendedAttributes.Read(path).Any(attribute => attribute.Name == AccessAcl);
}
