using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint RealpathNative(string path, nint resolved);

    [LibraryImport(LibraryName, EntryPoint = "free")]
    private static partial void Free(nint pointer);

    /// <summary>realpath(3): the canonical path with every symlink resolved, or null if it does not exist.</summary>
    public static string? Realpath(string path)
    {
        var result = RealpathNative(path, 0);
        if (result == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(result);
        }
        finally
        {
            Free(result);
        }
    }
}
