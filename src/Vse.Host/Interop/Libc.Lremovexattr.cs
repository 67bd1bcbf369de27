using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    internal const int ENODATA = 61;

    // lremovexattr: the attribute of the entry itself, never of a symlink's target.
    [LibraryImport(LibraryName, EntryPoint = "lremovexattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Lremovexattr(string path, string name);
}
