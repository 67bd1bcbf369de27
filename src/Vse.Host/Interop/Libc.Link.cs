using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    // .NET has no API for hard links. Linux link() never follows a symlink in oldpath, so a
    // hard link to a symlink links the symlink itself, as tar expects.
    [LibraryImport(LibraryName, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Link(string existingPath, string newPath);
}
