using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    // llistxattr: the names on the entry itself, never on a symlink's target.
    [LibraryImport(LibraryName, EntryPoint = "llistxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint Llistxattr(string path, Span<byte> list, nuint size);
}
