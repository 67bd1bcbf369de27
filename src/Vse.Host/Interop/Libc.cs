using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

/// <summary>
/// The few C library calls .NET has no managed equivalent for. Each call lives in its own
/// file (<c>Libc.NAME.cs</c>); callers go through the safe wrappers in
/// Vse.Host (Vse.Host.FileSystem, Vse.Host.Locking, Vse.Host.Processes), never through these directly.
/// </summary>
internal static partial class Libc
{
    private const string LibraryName = "libc";

    /// <summary><c>AT_FDCWD</c>: relative paths are relative to the current directory.</summary>
    internal const int AtCurrentDirectory = -100;

    /// <summary><c>AT_SYMLINK_NOFOLLOW</c>: act on a symlink itself, never on its target.</summary>
    internal const int AtSymlinkNoFollow = 0x100;

    /// <summary>With an empty path: the descriptor itself (statx of an fd).</summary>
    internal const int AtEmptyPath = 0x1000;

    internal const int ENOENT = 2;
    internal const int EPERM = 1;
    internal const int EINVAL = 22;
    internal const int ENOTDIR = 20;

    /// <summary>The failure of the last call as an <see cref="IOException"/> naming the path.</summary>
    internal static IOException LastError(string operation, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{operation} '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }
}
