namespace Vse.Host.Locking;

/// <summary>Another process held the lock for longer than the caller was willing to wait.</summary>
public sealed class StoreLockTimeoutException(string path, TimeSpan timeout)
    : Exception($"{path} is still locked by another vse after {timeout.TotalSeconds:0.#} s")
{
    public string LockPath { get; } = path;

    public TimeSpan Timeout { get; } = timeout;
}
