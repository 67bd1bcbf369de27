using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    internal const int ENOTSUP = 95;

    // lsetxattr: an attribute is set on the entry itself, never through a symlink.
    [LibraryImport(LibraryName, EntryPoint = "lsetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Lsetxattr(string path, string name, ReadOnlySpan<byte> value, nuint size, int flags);
}
