using System.Diagnostics;
using System.Globalization;

namespace Vse.Cli.Tests.Faults;

/// <summary>
/// Seeded moments to kill vse at: seed S draws a delay in [0, the uninterrupted operation's
/// duration] from <c>new Random(S)</c>, so a failing seed replays (as nearly as a loaded machine
/// lets a moment replay). CI runs <see cref="DefaultCount"/> seeds per operation;
/// <c>VSE_FAULT_SEEDS=N</c> runs seeds 1..N by hand, <c>VSE_FAULT_SEED=S</c> that one seed.
/// </summary>
public static class FaultSeeds
{
    public const int DefaultCount = 2;

    public static IReadOnlyList<int> Seeds()
    {
        if (Environment.GetEnvironmentVariable("VSE_FAULT_SEED") is { Length: > 0 } one)
        {
            return [int.Parse(one, CultureInfo.InvariantCulture)];
        }

        var count = Environment.GetEnvironmentVariable("VSE_FAULT_SEEDS") is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : DefaultCount;
        return [.. Enumerable.Range(1, count)];
    }

    public static TimeSpan DelayOf(int seed, TimeSpan uninterrupted) => uninterrupted * new Random(seed).NextDouble();

    /// <summary>
    /// Starts vse with <paramref name="args"/> and kills it with SIGKILL (vse alone, as a crash
    /// or the OOM killer would; what it started is left to fend for itself) after <paramref name="delay"/>.
    /// </summary>
    /// <returns>Whether the kill landed (false: vse had already ended, with its exit code).</returns>
    public static async Task<(bool Killed, int? ExitCode)> RunAndKillAsync(Workspace workspace, TimeSpan delay, params string[] args)
    {
        var start = new ProcessStartInfo(VseProcess.Executable) { WorkingDirectory = workspace.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in workspace.Environment)
        {
            start.Environment[key] = value;
        }

        using var vse = Process.Start(start)!;
        // Drained so a full pipe never blocks vse before the kill.
        var stdout = vse.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = vse.StandardError.ReadToEndAsync(CancellationToken.None);
        await Task.WhenAny(vse.WaitForExitAsync(), Task.Delay(delay));
        var ended = vse.HasExited;
        if (!ended)
        {
            vse.Kill(entireProcessTree: false);
        }

        await vse.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
        return ended ? (false, vse.ExitCode) : (true, null);
    }

    /// <summary>How long an uninterrupted run of vse with <paramref name="args"/> takes; it must succeed.</summary>
    public static async Task<(TimeSpan Duration, VseProcess.Outcome Outcome)> TimeAsync(Workspace workspace, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var outcome = await workspace.RunAsync(args);
        Assert.True(outcome.ExitCode == 0, $"vse {string.Join(' ', args)} (uninterrupted) failed: {outcome.Stderr}");
        return (clock.Elapsed, outcome);
    }
}
