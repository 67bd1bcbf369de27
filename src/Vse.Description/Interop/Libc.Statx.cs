using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vse.Description.Interop;

internal static partial class Libc
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    // statx(2) rather than stat(2): its struct has the same layout on every architecture.
    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatxNative(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    /// <summary>The owner and permission bits of a file (following symlinks), or null when it cannot be read.</summary>
    public static (uint Uid, uint Mode)? OwnerAndMode(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (StatxNative(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        return (BinaryPrimitives.ReadUInt32LittleEndian(buffer[20..]), BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]));
    }
}
