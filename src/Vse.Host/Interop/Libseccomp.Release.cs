using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libseccomp
{
    [LibraryImport(LibraryName, EntryPoint = "seccomp_release")]
    internal static partial void Release(IntPtr context);
}
