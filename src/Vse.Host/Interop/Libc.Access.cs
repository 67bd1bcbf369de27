using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    public const int WriteOk = 2;

    /// <summary>access(2): checks with the real uid, as the invoking user, which is what trust asks.</summary>
    [LibraryImport(LibraryName, EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Access(string path, int mode);
}
