namespace Vse.Testing;

/// <summary>
/// Waiting for something to become true, instead of sleeping a fixed time and hoping: a fixed
/// delay is too long on a quiet machine and too short on a loaded one. The deadline only guards
/// against a hang; it is not a timing assertion.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    /// <summary>Asks <paramref name="condition"/> every 50 ms until it holds; fails the test, naming <paramref name="what"/>, past the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"{what}: not within {(deadline ?? DefaultDeadline).TotalSeconds:0} s");
            }

            await Task.Delay(50);
        }
    }
}
