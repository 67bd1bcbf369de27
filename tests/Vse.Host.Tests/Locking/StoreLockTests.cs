using System.Diagnostics;
using Vse.Host.Locking;

namespace Vse.Host.Tests.Locking;

/// <summary>
/// flock(2) locks belong to the open file description, so two acquisitions in one process
/// conflict exactly as two processes would; the last test checks against a real second process.
/// </summary>
public sealed class StoreLockTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string LockPath => _directory.Combine("locks/build-abc.lock");

    [Fact]
    public async Task An_exclusive_lock_excludes_a_second_exclusive_acquirer()
    {
        await using var held = await StoreLock.AcquireAsync(LockPath, exclusive: true, CancellationToken.None);

        var error = await Assert.ThrowsAsync<StoreLockTimeoutException>(
            () => StoreLock.AcquireAsync(LockPath, exclusive: true, Short, CancellationToken.None));

        Assert.Equal(LockPath, error.LockPath);
    }

    [Fact]
    public async Task Shared_locks_coexist_and_keep_out_an_exclusive_one()
    {
        await using var first = await StoreLock.AcquireAsync(LockPath, exclusive: false, CancellationToken.None);
        await using var second = await StoreLock.AcquireAsync(LockPath, exclusive: false, Short, CancellationToken.None);

        await Assert.ThrowsAsync<StoreLockTimeoutException>(() => StoreLock.AcquireAsync(LockPath, exclusive: true, Short, CancellationToken.None));
    }

    [Fact]
    public async Task A_waiter_gets_the_lock_once_the_holder_releases_it()
    {
        var held = await StoreLock.AcquireAsync(LockPath, exclusive: true, CancellationToken.None);
        var waiting = StoreLock.AcquireAsync(LockPath, exclusive: true, TimeSpan.FromSeconds(5), CancellationToken.None);
        await Task.Delay(30);
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();

        await using var acquired = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(acquired.IsExclusive);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        await using var held = await StoreLock.AcquireAsync(LockPath, exclusive: true, CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StoreLock.AcquireAsync(LockPath, exclusive: true, cancellation.Token));
    }

    [Fact]
    public async Task The_lock_file_and_its_directory_are_created_on_demand()
    {
        var path = Path.Combine(_directory.Path, "not", "yet", "there.lock");

        await using (await StoreLock.AcquireAsync(path, exclusive: true, CancellationToken.None))
        {
            Assert.True(File.Exists(path));
        }

        Assert.True(File.Exists(path));
    }

    [SkippableFact]
    public async Task Another_process_sees_the_lock_and_gets_it_after_release()
    {
        Skip.IfNot(File.Exists("/usr/bin/flock"), "util-linux flock(1) is not installed");
        var held = await StoreLock.AcquireAsync(LockPath, exclusive: true, CancellationToken.None);

        Assert.Equal(1, await FlockCommandAsync(LockPath));

        await held.DisposeAsync();
        Assert.Equal(0, await FlockCommandAsync(LockPath));
    }

    // flock(1) -n exits 1 when the lock is held elsewhere, 0 after running `true` under it.
    private static async Task<int> FlockCommandAsync(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-n", "-x", path, "true"]) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
