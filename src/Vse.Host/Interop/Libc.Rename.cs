using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    // rename() replaces the name itself: when the destination is a symlink, the link is
    // replaced and its target is never touched. File.Move checks existence through the
    // link first, which is wrong for dangling links.
    [LibraryImport(LibraryName, EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Rename(string oldPath, string newPath);
}
