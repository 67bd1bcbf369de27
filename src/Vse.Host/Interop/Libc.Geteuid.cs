using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "geteuid")]
    public static partial uint Geteuid();
}
