using System.Runtime.InteropServices;

namespace Vse.Description.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint Geteuid();
}
