using System.Diagnostics;
using System.Runtime.InteropServices;
using Vse.Host.Interop;

namespace Vse.Host.Locking;

/// <summary>
/// An advisory <c>flock(2)</c> on a lock file, held until disposed: exclusive to serialise builds
/// of one configuration, or <c>vse gc</c> (exclusive) against builds (shared). The kernel drops the
/// lock when the process dies, so a kill -9 never leaves a stale lock behind.
/// </summary>
/// <remarks>
/// .NET's own <see cref="FileShare"/> emulation also uses flock, and takes a shared lock on every
/// ordinary open: a lock file opened through <see cref="File"/> would make a waiting opener fail
/// with a sharing violation instead of waiting. Hence the descriptor comes from open(2) directly.
/// flock belongs to the open file description, so two acquisitions in one process exclude each
/// other exactly as two processes do.
/// </remarks>
public sealed class StoreLock : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMilliseconds(50);

    private readonly FileDescriptorHandle _descriptor;

    private StoreLock(string path, bool exclusive, FileDescriptorHandle descriptor)
    {
        Path = path;
        IsExclusive = exclusive;
        _descriptor = descriptor;
    }

    public string Path { get; }

    public bool IsExclusive { get; }

    /// <summary>Waits as long as it takes (or until cancelled) for the lock on <paramref name="path"/>.</summary>
    public static Task<StoreLock> AcquireAsync(string path, bool exclusive, CancellationToken cancellationToken) =>
        AcquireAsync(path, exclusive, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// Opens (creating, with its directory, if needed) the lock file <paramref name="path"/> and
    /// waits up to <paramref name="timeout"/> for a shared or exclusive lock on it.
    /// </summary>
    /// <exception cref="StoreLockTimeoutException">Still held by another after <paramref name="timeout"/>.</exception>
    /// <exception cref="StoreLockException">The file cannot be opened or locked.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static async Task<StoreLock> AcquireAsync(string path, bool exclusive, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "negative timeout");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var fullPath = System.IO.Path.GetFullPath(path);
        var descriptor = Open(fullPath);
        try
        {
            var operation = (exclusive ? Libc.LockExclusive : Libc.LockShared) | Libc.LockNonBlocking;
            var started = Stopwatch.StartNew();
            var delay = FirstRetry;

            // Polling with LOCK_NB rather than a blocking flock on a worker thread: a blocked
            // flock cannot be cancelled, and the wait here is for another vse, not for I/O.
            while (!TryLock(descriptor, operation, fullPath))
            {
                var remaining = timeout == Timeout.InfiniteTimeSpan ? delay : timeout - started.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    throw new StoreLockTimeoutException(fullPath, timeout);
                }

                await Task.Delay(remaining < delay ? remaining : delay, cancellationToken);
                delay = delay * 2 < LongestRetry ? delay * 2 : LongestRetry;
            }

            return new StoreLock(fullPath, exclusive, descriptor);
        }
        catch
        {
            descriptor.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock. The lock file stays: removing it would let a waiter lock a file no longer at that path.</summary>
    public void Dispose() => _descriptor.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static FileDescriptorHandle Open(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        int fd;
        do
        {
            fd = Libc.Open(path, Libc.OpenReadWrite | Libc.OpenCreate | Libc.OpenCloseOnExec, 0b110_000_000);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Libc.ErrorInterrupted);

        return fd >= 0 ? new FileDescriptorHandle(fd) : throw new StoreLockException(path, Marshal.GetLastPInvokeError());
    }

    private static bool TryLock(FileDescriptorHandle descriptor, int operation, string path)
    {
        while (true)
        {
            if (Libc.Flock(descriptor.Descriptor, operation) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.ErrorWouldBlock)
            {
                return false;
            }

            if (errno != Libc.ErrorInterrupted)
            {
                throw new StoreLockException(path, errno);
            }
        }
    }
}
