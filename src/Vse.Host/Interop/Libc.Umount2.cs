using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    /// <summary><c>MNT_DETACH</c>: detached at once, released when nothing uses it any more.</summary>
    internal const int UnmountDetach = 0x2;

    /// <summary><c>UMOUNT_NOFOLLOW</c>: a symlink as the last component is not followed.</summary>
    internal const int UnmountNoFollow = 0x8;

    [LibraryImport(LibraryName, EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Umount2(string target, int flags);
}
