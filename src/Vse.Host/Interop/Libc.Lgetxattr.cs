using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    // lgetxattr: the overlay markers live on the entry itself, never on a symlink's target.
    [LibraryImport(LibraryName, EntryPoint = "lgetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint Lgetxattr(string path, string name, Span<byte> value, nuint size);
}
