using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libseccomp
{
    /// <summary><c>seccomp_export_bpf</c>: writes the program (an array of <c>struct sock_filter</c>) to the fd; 0, or a negative errno.</summary>
    [LibraryImport(LibraryName, EntryPoint = "seccomp_export_bpf")]
    internal static partial int ExportBpf(IntPtr context, int fd);
}
