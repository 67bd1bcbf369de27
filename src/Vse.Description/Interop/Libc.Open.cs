using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vse.Description.Interop;

internal static partial class Libc
{
    // The same values on x86-64 and arm64 (O_NOFOLLOW is not: it is not used here).
    private const int OpenReadOnly = 0;
    private const int OpenNoControllingTerminal = 0x100;
    private const int OpenNonBlocking = 0x800;
    private const int OpenCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNative(string path, int flags);

    /// <summary>
    /// open(2) for reading that cannot block: O_NONBLOCK, so a FIFO put where a file was expected
    /// does not wait for a writer; O_NOCTTY, so a terminal never becomes the controlling one.
    /// </summary>
    /// <returns>The descriptor, or null with the errno.</returns>
    public static (SafeFileHandle? Handle, int Errno) OpenForReadingWithoutBlocking(string path)
    {
        var fd = OpenNative(path, OpenReadOnly | OpenNonBlocking | OpenNoControllingTerminal | OpenCloseOnExec);
        return fd < 0 ? (null, Marshal.GetLastPInvokeError()) : (new SafeFileHandle(fd, ownsHandle: true), 0);
    }
}
