using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libseccomp
{
    /// <summary><c>seccomp_attr_set</c>: 0, or a negative errno.</summary>
    [LibraryImport(LibraryName, EntryPoint = "seccomp_attr_set")]
    internal static partial int AttrSet(IntPtr context, FilterAttribute attribute, uint value);
}
