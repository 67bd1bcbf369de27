using System.Runtime.InteropServices;
using System.Text;
using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>Reads and writes extended attributes of a host path, never through a final symlink.</summary>
public static class ExtendedAttributes
{
    /// <summary>The kernel's limit on one attribute's value (XATTR_SIZE_MAX), and on the list of names.</summary>
    private const int MaximumSize = 64 * 1024;

    /// <summary>Every attribute of the node, by name; empty where the file system keeps none.</summary>
    public static IReadOnlyList<(string Name, byte[] Value)> Read(string hostPath)
    {
        var attributes = new List<(string, byte[])>();
        var value = new byte[MaximumSize];
        foreach (var name in Names(hostPath))
        {
            var size = Libc.Lgetxattr(hostPath, name, value, (nuint)value.Length);
            if (size >= 0)
            {
                attributes.Add((name, value[..(int)size]));
            }
        }

        return attributes;
    }

    /// <summary>The names of the node's attributes; empty where the file system keeps none.</summary>
    public static IReadOnlyList<string> Names(string hostPath)
    {
        var names = new byte[MaximumSize];
        var length = Libc.Llistxattr(hostPath, names, (nuint)names.Length);
        if (length < 0)
        {
            var error = Libc.LastError("list extended attributes of", hostPath);
            return error.HResult == Libc.ENOTSUP ? [] : throw error;
        }

        return Encoding.UTF8.GetString(names, 0, (int)length).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The value of one attribute when it is at most <paramref name="maximumLength"/> bytes; null when it is absent, longer, or cannot be read.</summary>
    public static byte[]? TryRead(string hostPath, string name, int maximumLength)
    {
        var value = new byte[maximumLength];
        var size = Libc.Lgetxattr(hostPath, name, value, (nuint)value.Length);
        return size < 0 ? null : value[..(int)size];
    }

    /// <summary>
    /// Removes every attribute of the node whose name starts with one of <paramref name="prefixes"/>;
    /// one already gone (ENODATA) is no error.
    /// </summary>
    /// <returns>The names removed.</returns>
    public static IReadOnlyList<string> RemoveWithPrefix(string hostPath, IReadOnlyList<string> prefixes)
    {
        var removed = new List<string>();
        foreach (var name in Names(hostPath))
        {
            if (!prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            if (Libc.Lremovexattr(hostPath, name) == 0)
            {
                removed.Add(name);
            }
            else if (Marshal.GetLastPInvokeError() is var errno && errno != Libc.ENODATA)
            {
                throw new IOException($"remove extended attribute {name} of '{hostPath}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }

        return removed;
    }

    /// <returns>False when this file system or this process may not hold the attribute (ENOTSUP, EPERM), as <c>cp -a</c> tolerates.</returns>
    public static bool TryWrite(string hostPath, string name, byte[] value)
    {
        if (Libc.Lsetxattr(hostPath, name, value, (nuint)value.Length, 0) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is Libc.ENOTSUP or Libc.EPERM ? false : throw new IOException(
            $"set extended attribute {name} on '{hostPath}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }
}
