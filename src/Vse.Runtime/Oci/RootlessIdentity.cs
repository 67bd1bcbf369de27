using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Runtime.Oci;

/// <summary>
/// Who an unprivileged user's instances run as: a user namespace in which the invoking user
/// (and only that user: a single-id map needs no setuid helper, which many cluster nodes
/// forbid) is root. Files of other owners in the image show as nobody inside.
/// </summary>
public sealed record RootlessIdentity(uint Uid, uint Gid)
{
    /// <summary>The calling process's effective ids, or null when it is root (no user namespace needed).</summary>
    public static RootlessIdentity? OfThisProcess() =>
        Environment.IsPrivilegedProcess ? null : new RootlessIdentity(ProcessIdentity.Current.Uid, ProcessIdentity.Current.Gid);
}
