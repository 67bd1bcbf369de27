using System.Runtime.InteropServices;
using System.Text;

namespace Vse.Build.Tests.Exports;

/// <summary>Extended attributes of a path (never following a final symlink); .NET has no API for them.</summary>
internal static partial class Xattrs
{
    /// <summary>A file capability (<c>cap_net_raw+ep</c>), as <c>setcap</c> writes it: VFS_CAP_REVISION_2 with the effective flag.</summary>
    public static readonly byte[] NetRawCapability =
        [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static void Set(string path, string name, byte[] value)
    {
        if (SetNative(path, name, value, (nuint)value.Length, 0) != 0)
        {
            throw new IOException($"lsetxattr {name} on '{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <returns>Every attribute as <c>name=hex</c>, sorted by name.</returns>
    public static IReadOnlyList<string> List(string path)
    {
        var names = new byte[64 * 1024];
        var length = ListNative(path, names, (nuint)names.Length);
        if (length < 0)
        {
            throw new IOException($"llistxattr '{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        var value = new byte[64 * 1024];
        return Encoding.UTF8.GetString(names, 0, (int)length)
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal)
            .Select(name => $"{name}={Convert.ToHexStringLower(value, 0, (int)GetNative(path, name, value, (nuint)value.Length))}")
            .ToList();
    }

    [DllImport("libc", EntryPoint = "lsetxattr", SetLastError = true)]
    private static extern int SetNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size, int flags);

    [DllImport("libc", EntryPoint = "llistxattr", SetLastError = true)]
    private static extern nint ListNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] list, nuint size);

    [DllImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    private static extern nint GetNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size);
}
