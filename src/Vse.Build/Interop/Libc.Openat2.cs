using System.Runtime.InteropServices;

namespace Vse.Build.Interop;

internal static partial class Libc
{
    public const ulong OpenPath = 0x200000;
    public const ulong OpenCloseOnExec = 0x80000;

    /// <summary>Fail with ELOOP on any symlink in the path, the last component included.</summary>
    public const ulong ResolveNoSymlinks = 0x04;

    /// <summary>Fail on /proc magic links (<c>/proc/PID/fd/N</c>, <c>/proc/PID/root</c>).</summary>
    public const ulong ResolveNoMagicLinks = 0x02;

    /// <summary>Resolve as if the directory were the root: symlinks and <c>..</c> stay inside it.</summary>
    public const ulong ResolveInRoot = 0x10;

    public const ulong OpenReadOnly = 0;
    public const ulong OpenNonBlocking = 0x800;

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
    public static int Openat2(int directory, string path, ulong flags, ulong resolve)
    {
        var how = new OpenHow { Flags = flags | OpenCloseOnExec, Resolve = resolve };
        return (int)Syscall(SysOpenat2, directory, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());
    }
}
