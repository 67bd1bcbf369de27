using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    /// <summary><c>MS_NOSUID</c>: set-user-ID bits on the file system are ignored.</summary>
    internal const ulong MountNoSetUid = 0x2;

    /// <summary><c>MS_NODEV</c>: device nodes on the file system cannot be opened.</summary>
    internal const ulong MountNoDevices = 0x4;

    /// <summary><c>MS_PRIVATE</c>: the mount neither sends mount events to, nor receives them from, any other mount.</summary>
    internal const ulong MountPrivate = 1 << 18;

    [LibraryImport(LibraryName, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, string? data);
}
