using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>What the invoking user may do to a host path.</summary>
public static class HostAccess
{
    /// <summary>access(2) with W_OK: checked with the real uid, as the invoking user, which is what trust asks.</summary>
    public static bool IsWritable(string path) => Libc.Access(path, Libc.WriteOk) == 0;
}
