using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    internal const uint S_IFIFO = 0x1000;
    internal const uint S_IFCHR = 0x2000;
    internal const uint S_IFBLK = 0x6000;

    // Also creates FIFOs (S_IFIFO), which needs no privilege; .NET has no mkfifo.
    [LibraryImport(LibraryName, EntryPoint = "mknod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Mknod(string path, uint mode, ulong device);

    /// <summary>glibc's <c>makedev</c> encoding of a device number.</summary>
    internal static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000u) << 32) | ((ulong)(major & 0xfffu) << 8)
        | ((ulong)(minor & 0xffffff00u) << 12) | (minor & 0xffu);
}
