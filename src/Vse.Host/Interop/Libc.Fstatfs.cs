using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    /// <summary><c>TMPFS_MAGIC</c> (linux/magic.h): <c>f_type</c> of a tmpfs.</summary>
    internal const long TmpfsMagic = 0x01021994;

    /// <summary>
    /// <c>struct statfs</c> of 64-bit Linux (x86-64 and arm64 alike: 120 bytes); only its first
    /// field, <c>f_type</c>, is read, the rest is room for the kernel to write.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Size = 120)]
    internal struct StatfsBuffer
    {
        public long Type;
    }

    // fstatfs, not statfs: asked of a descriptor opened without following symlinks (an O_PATH one
    // is enough since Linux 3.12), so the answer is about the object checked, not what a path names now.
    [LibraryImport(LibraryName, EntryPoint = "fstatfs", SetLastError = true)]
    internal static partial int Fstatfs(int descriptor, out StatfsBuffer buffer);
}
