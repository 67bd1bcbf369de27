using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    /// <summary>Fail with ELOOP on any symlink in the path, the last component included.</summary>
    public const ulong ResolveNoSymlinks = 0x04;

    /// <summary>Fail on /proc magic links (<c>/proc/PID/fd/N</c>, <c>/proc/PID/root</c>).</summary>
    public const ulong ResolveNoMagicLinks = 0x02;

    /// <summary>Resolve as if the directory were the root: symlinks and <c>..</c> stay inside it.</summary>
    public const ulong ResolveInRoot = 0x10;

    /// <summary>Stay below the directory: no absolute path, no <c>..</c> above it, no symlink out.</summary>
    public const ulong ResolveBeneath = 0x08;

    public const int ELOOP = 40;

    private const long SysOpenat2 = 437;

    /// <summary>The kernel's <c>struct open_how</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    // glibc has no openat2 wrapper; syscall(2) passes its integer and pointer arguments in the
    // registers the kernel reads, so a fixed-argument import of it is sound on x64 and arm64.
    [LibraryImport(LibraryName, EntryPoint = "syscall", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial long Syscall(long number, int directory, string path, ref OpenHow how, nuint size);

    /// <summary>A descriptor of <paramref name="path"/> opened with <paramref name="flags"/>, resolved under <paramref name="resolve"/>'s rules, or -1.</summary>
    public static int Openat2(int directory, string path, int flags, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)(flags | OpenCloseOnExec), Resolve = resolve };
        return (int)Syscall(SysOpenat2, directory, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());
    }
}
