using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

/// <summary>
/// libseccomp (Debian's libseccomp2, <c>libseccomp.so.2</c>): it turns a syscall profile into the
/// kernel's BPF, resolving names per architecture and adding the architecture checks. Each call
/// lives in its own file (<c>Libseccomp.NAME.cs</c>); only <see cref="Confinement.SeccompFilter"/>
/// calls them.
/// </summary>
internal static partial class Libseccomp
{
    private const string LibraryName = "libseccomp.so.2";

    /// <summary><c>SCMP_ACT_ALLOW</c>.</summary>
    internal const uint ActionAllow = 0x7fff0000;

    /// <summary><c>SCMP_ACT_KILL_PROCESS</c>: the whole process, not one thread.</summary>
    internal const uint ActionKillProcess = 0x80000000;

    /// <summary><c>__NR_SCMP_ERROR</c>: the name is not a syscall libseccomp knows.</summary>
    internal const int SyscallError = -1;

    /// <summary><c>SCMP_ACT_ERRNO(errno)</c>.</summary>
    internal static uint ActionErrno(int errno) => 0x00050000u | ((uint)errno & 0xffffu);

    /// <summary><c>struct scmp_arg_cmp</c>: for MASKED_EQ, <see cref="DatumA"/> is the mask and <see cref="DatumB"/> the value.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ArgumentComparison
    {
        public uint Argument;
        public int Operator;
        public ulong DatumA;
        public ulong DatumB;
    }

    /// <summary><c>enum scmp_filter_attr</c>, the values used.</summary>
    internal enum FilterAttribute
    {
        BadArchitectureAction = 2,
        NoNewPrivileges = 3,
    }
}
