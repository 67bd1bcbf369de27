using System.Globalization;

namespace Vse.Runtime.Tests.Drivers;

/// <summary>
/// A process inside an instance that counts in its own memory and writes the count to
/// <c>/tmp/counter</c>: after a restore it goes on from the value it had at the checkpoint, which
/// nothing but a restored process can do. Each count is written beside the file and renamed over
/// it, so a read never finds the file truncated between two counts (an empty read made a test fail).
/// </summary>
internal static class InstanceCounter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static async Task StartAsync(RunningInstance instance)
    {
        var (exitCode, _, stderr) = await instance.ExecAsync(
            "sh", "-c", "(i=0; while :; do i=$((i+1)); echo $i > /tmp/counter.new; mv /tmp/counter.new /tmp/counter; sleep 0.1; done) </dev/null >/dev/null 2>&1 &");
        Assert.True(exitCode == 0, stderr);
    }

    /// <returns>The first count read that is at least <paramref name="atLeast"/>; fails when the counter does not get there.</returns>
    public static async Task<int> WaitForAsync(RunningInstance instance, int atLeast)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var last = (int?)null;
        while (DateTime.UtcNow < deadline)
        {
            last = await ReadAsync(instance) ?? last;
            if (last >= atLeast)
            {
                return last.Value;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the counter did not reach {atLeast} within {Timeout.TotalSeconds:0} s (last read: {last?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
        return 0;
    }

    /// <returns>The count now, or null before the counter first wrote it.</returns>
    public static async Task<int?> ReadAsync(RunningInstance instance)
    {
        var (exitCode, stdout, _) = await instance.ExecAsync("cat", "/tmp/counter");
        return exitCode == 0 && int.TryParse(stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }
}
