using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // utimensat with AT_SYMLINK_NOFOLLOW is the only way to set a symlink's own mtime;
    // File.SetLastWriteTimeUtc would follow the link.
    [LibraryImport(LibraryName, EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static unsafe partial int Utimensat(int directoryFd, string path, Timespec* times, int flags);
}
