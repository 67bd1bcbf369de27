using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vse.Description.Interop;

internal static partial class Libc
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int AtEmptyPath = 0x1000;
    private const uint FileTypeMask = 0xF000;

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

    /// <summary>The type of what a path names, symlinks followed; null when it cannot be stat'ed.</summary>
    public static HostFileType? FileTypeOf(string path) => FileTypeAt(AtFdCwd, path, 0);

    /// <summary>The type of an open file (fstat): what was actually opened, whatever the path names now.</summary>
    public static HostFileType? FileTypeOf(SafeFileHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return FileTypeAt((int)handle.DangerousGetHandle(), "", AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static HostFileType? FileTypeAt(int dirfd, string path, int flags)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (StatxNative(dirfd, path, flags, StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        return (HostFileType)(BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]) & FileTypeMask);
    }
}
