using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libseccomp
{
    /// <summary><c>seccomp_init</c>: a filter for the native architecture with a default action; IntPtr.Zero on failure.</summary>
    [LibraryImport(LibraryName, EntryPoint = "seccomp_init")]
    internal static partial IntPtr Init(uint defaultAction);
}
