using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>
/// Opening host paths without being led elsewhere, through <c>openat2</c>'s resolve rules. A path
/// that was checked (by policy, or by a walk) can be swapped for a symlink before it is opened;
/// these refuse what the check did not see instead of following it.
/// </summary>
public static class HostOpen
{
    /// <summary>How a path is resolved.</summary>
    public enum Rule
    {
        /// <summary>As the kernel resolves any path (for <c>/proc/PID/root</c>, a magic link by nature).</summary>
        Follow,

        /// <summary>A symlink anywhere on the path, the last component included, is an error (<c>ELOOP</c>).</summary>
        NoSymlinks,

        /// <summary>Below the directory descriptor, no symlink on the way (a walked tree's member).</summary>
        BeneathNoSymlinks,

        /// <summary>As if the directory were the root: symlinks and <c>..</c> stay inside it (a path inside an instance).</summary>
        InRoot,
    }

    /// <summary>An <c>O_PATH</c> descriptor: names an object, reads nothing (a mount source, a directory to open below).</summary>
    /// <exception cref="IOException">Missing, or refused by <paramref name="rule"/> (<see cref="IOException.HResult"/> is the errno).</exception>
    public static SafeFileHandle PathOnly(string path, Rule rule, SafeHandle? directory = null) =>
        Open(path, Libc.OpenPath, rule, directory);

    /// <summary>Opens a regular file for reading; a FIFO or device is refused, never read or waited on.</summary>
    /// <exception cref="IOException">Missing, refused by <paramref name="rule"/>, or not a regular file.</exception>
    public static FileStream ReadRegularFile(string path, Rule rule, SafeHandle? directory = null)
    {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        var handle = Open(path, Libc.OpenReadOnly | Libc.OpenNonBlocking, rule, directory);
        try
        {
            var status = Nodes.StatusOf((int)handle.DangerousGetHandle());
            if (status.Type != NodeType.RegularFile)
            {
                throw new IOException($"'{path}' is a {status.Type.ToString().ToLowerInvariant()}, not a regular file: it is not read");
            }

            return new FileStream(handle, FileAccess.Read, 81920, isAsync: false);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// open(2) for reading, symlinks followed, that cannot block: O_NONBLOCK, so a FIFO put where a
    /// file was expected does not wait for a writer; O_NOCTTY, so a terminal never becomes the
    /// controlling one. The caller checks what was opened (<see cref="Nodes.StatusOrNull(SafeHandle)"/>).
    /// </summary>
    /// <returns>The handle, or null with the errno.</returns>
    public static (SafeFileHandle? Handle, int Errno) TryReadWithoutBlocking(string path)
    {
        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenNonBlocking | Libc.OpenNoControllingTerminal | Libc.OpenCloseOnExec, 0);
        return fd < 0 ? (null, Marshal.GetLastPInvokeError()) : (new SafeFileHandle(fd, ownsHandle: true), 0);
    }

    /// <summary>What an open descriptor refers to.</summary>
    public static NodeStatus StatusOf(SafeHandle handle) => Nodes.StatusOf((int)handle.DangerousGetHandle());

    private static SafeFileHandle Open(string path, int flags, Rule rule, SafeHandle? directory)
    {
        var resolve = rule switch
        {
            Rule.Follow => 0UL,
            Rule.NoSymlinks => Libc.ResolveNoSymlinks | Libc.ResolveNoMagicLinks,
            Rule.BeneathNoSymlinks => Libc.ResolveBeneath | Libc.ResolveNoSymlinks | Libc.ResolveNoMagicLinks,
            Rule.InRoot => Libc.ResolveInRoot | Libc.ResolveNoMagicLinks,
            _ => throw new ArgumentOutOfRangeException(nameof(rule)),
        };
        var fd = Libc.Openat2(directory is null ? Libc.AtCurrentDirectory : (int)directory.DangerousGetHandle(), path, flags, resolve);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"open '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }
}
