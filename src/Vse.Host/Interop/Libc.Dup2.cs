using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);
}
