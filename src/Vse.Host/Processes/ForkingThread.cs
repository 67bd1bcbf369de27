using System.Diagnostics;

namespace Vse.Host.Processes;

/// <summary>
/// Starts a process from a thread of its own that lives until the process has ended. The kernel's
/// parent-death signal (<c>PR_SET_PDEATHSIG</c>, bubblewrap's <c>--die-with-parent</c>) fires when
/// the <em>thread</em> that forked the child exits, not its process; <see cref="Process.Start()"/>
/// forks on the calling thread, and a thread-pool thread retires when idle, which once killed a
/// long apt step mid-way. Forked from this thread, the signal fires exactly when vse dies, kill -9
/// included, and never before.
/// </summary>
internal sealed class ForkingThread : IDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ForkingThread()
    {
    }

    /// <summary>Starts <paramref name="process"/>; dispose the result only once the process has exited.</summary>
    public static async Task<ForkingThread> StartAsync(Process process)
    {
        var forking = new ForkingThread();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                process.Start();
            }
            catch (Exception e)
            {
                started.SetException(e);
                return;
            }

            started.SetResult();
            // Nothing but waiting: the thread only has to exist while the process does.
            forking._release.Task.Wait();
        })
        {
            IsBackground = true,
            Name = "vse forking thread",
        };
        thread.Start();
        await started.Task;
        return forking;
    }

    public void Dispose() => _release.TrySetResult();
}
