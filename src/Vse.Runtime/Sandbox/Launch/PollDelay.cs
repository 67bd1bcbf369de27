namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// How long to wait before looking again at something that usually ends within a millisecond or
/// two (an init after SIGTERM, a cgroup the kernel has not emptied yet): 1, 2, 4, 8, then 10 ms.
/// A flat 10 ms made every <c>vse run --runtime vse-launch</c> wait ~10-20 ms after its instance
/// had already gone.
/// </summary>
internal static class PollDelay
{
    private const int MaxMilliseconds = 10;

    public static Task WaitAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(Math.Min(MaxMilliseconds, 1 << Math.Min(attempt, 4)), cancellationToken);
}
