using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    // The O_* flags open(2) and openat2(2) share; the same values on x86-64 and arm64 (O_NOFOLLOW
    // and O_DIRECTORY are not: they are not used).
    public const int OpenReadOnly = 0;
    public const int OpenReadWrite = 0x2;
    public const int OpenCreate = 0x40;
    public const int OpenNoControllingTerminal = 0x100;
    public const int OpenNonBlocking = 0x800;

    // Without close-on-exec every runtime or tool vse starts would inherit the descriptor and
    // with it the lock, keeping it held after vse itself exits.
    public const int OpenCloseOnExec = 0x80000;
    public const int OpenPath = 0x200000;

    // open(2) is variadic in C; on Linux x64 and arm64 the mode travels in a register like any
    // third int argument, so a fixed three-argument import is sound.
    [LibraryImport(LibraryName, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, uint mode);
}
