using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "getegid")]
    public static partial uint Getegid();
}
