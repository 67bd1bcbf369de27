using System.Diagnostics;
using System.Globalization;

namespace Vse.Cli.Tests.Faults;

/// <summary>
/// Seeded moments to kill vse at: seed S draws a delay in [0, the uninterrupted operation's
/// duration] (<see cref="Fraction"/>), so a failing seed replays (as nearly as a loaded machine
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

    public static TimeSpan DelayOf(int seed, TimeSpan uninterrupted) => uninterrupted * Fraction(seed);

    /// <summary>
    /// A fraction in [0, 1) drawn from the seed by SplitMix64. Not <c>new Random(seed)</c>: its
    /// first draw grows almost linearly with consecutive seeds (1..6 gave 0.24, 0.77, 0.29, 0.82,
    /// 0.34, 0.86), so a run of seeds would probe two moments only.
    /// </summary>
    public static double Fraction(int seed)
    {
        var z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

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
