using System.Runtime.InteropServices;

namespace Vse.State.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint Geteuid();
}
