using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libseccomp
{
    /// <summary>
    /// <c>seccomp_syscall_resolve_name</c>: the native number; a negative pseudo-number for a
    /// syscall libseccomp knows but this architecture lacks (rules on it are dropped there);
    /// <see cref="SyscallError"/> for a name it does not know at all.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SyscallResolveName(string name);
}
