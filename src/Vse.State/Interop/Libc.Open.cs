using System.Runtime.InteropServices;

namespace Vse.State.Interop;

internal static partial class Libc
{
    public const int OpenReadWrite = 0x2;
    public const int OpenCreate = 0x40;

    // Without close-on-exec every runtime or tool vse starts would inherit the descriptor and
    // with it the lock, keeping it held after vse itself exits.
    public const int OpenCloseOnExec = 0x80000;

    // open(2) is variadic in C; on Linux x64 and arm64 the mode travels in a register like any
    // third int argument, so a fixed three-argument import is sound.
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, uint mode);
}
