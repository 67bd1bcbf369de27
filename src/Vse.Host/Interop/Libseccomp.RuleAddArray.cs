using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libseccomp
{
    /// <summary><c>seccomp_rule_add_array</c>: 0, or a negative errno.</summary>
    [LibraryImport(LibraryName, EntryPoint = "seccomp_rule_add_array")]
    internal static partial int RuleAddArray(IntPtr context, uint action, int syscall, uint count, [In] ArgumentComparison[] comparisons);
}
