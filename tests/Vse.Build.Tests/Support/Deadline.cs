namespace Vse.Build.Tests.Support;

/// <summary>
/// Runs work that must finish quickly, so that a regression (a walk that follows a symlink out
/// of the tree, into the host's root or a loop) fails the test instead of hanging the run.
/// </summary>
internal static class Deadline
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, TimeSpan? limit = null)
    {
        var within = limit ?? Default;
        using var cancellation = new CancellationTokenSource(within);

        // On a thread of its own: code without a cancellation token must not keep the test waiting.
        var running = Task.Run(() => work(cancellation.Token), cancellation.Token);
        try
        {
            return await running.WaitAsync(within + TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"did not finish within {within.TotalSeconds:0} s: {e.Message}");
        }
    }

    public static Task<T> Run<T>(Func<CancellationToken, T> work, TimeSpan? limit = null) =>
        RunAsync(cancellationToken => Task.FromResult(work(cancellationToken)), limit);

    public static Task RunAsync(Func<CancellationToken, Task> work, TimeSpan? limit = null) =>
        RunAsync(async cancellationToken =>
        {
            await work(cancellationToken);
            return true;
        }, limit);
}
