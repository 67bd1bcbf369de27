using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockRelease = 8;

    public const int ErrorInterrupted = 4;
    public const int ErrorWouldBlock = 11;

    /// <summary>flock(2): the lock belongs to the open file description, so two opens of one file conflict even within a process.</summary>
    [LibraryImport(LibraryName, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);
}
