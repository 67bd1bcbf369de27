using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    // lchown, not chown: a symlink in an image gets its own owner and the call must never
    // reach through it.
    [LibraryImport(LibraryName, EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Lchown(string path, uint uid, uint gid);
}
