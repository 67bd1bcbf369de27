using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Vse.Bench;

/// <summary>
/// <c>Vse.Bench cputime [N]</c>: runs each benchmark of <see cref="ResolveBenchmarks"/> N times
/// after a warm-up and prints, per operation, the wall-clock minimum and median and the
/// process CPU time (all threads, the GC's included), with the GC's pause time and collections
/// per operation, the bytes allocated per operation (all threads) and the bytes the collections
/// promoted per operation, out of gen0 and out of gen1 (<see cref="GcPromotionListener"/>). On a machine shared with other work,
/// wall-clock time measures the queue for the CPU as much as the code; CPU time and the
/// minimum are the steadier estimates. A complement to BenchmarkDotNet, not a replacement.
/// <para>
/// The warm-up lasts until the JIT is done with the operation (<see cref="WarmUp"/>): tiered
/// compilation moves a method from tier 0 through instrumented code to tier 1 only after 30
/// calls and a delay, in a background thread, so a fixed 10 resolves left that work, and its CPU,
/// inside the timed ones. The last two columns say how many warm-up runs it took and what the JIT
/// still compiled during the timed runs (0 where the rounds measure the operation alone).
/// </para>
/// </summary>
public static class CpuTimeRunner
{
    /// <summary>Runs in a row during which the JIT compiled nothing: the warm-up ends after as many (and <see cref="SteadyTime"/>).</summary>
    private const int SteadyRounds = 20;

    /// <summary>Past this many warm-up runs the timed ones start anyway; their JIT column then says what was left.</summary>
    private const int MaxWarmUpRounds = 2_000;

    /// <summary>
    /// How long the JIT must have been idle as well: tiered compilation waits 100 ms after the
    /// last tier-0 compile before it promotes anything (its call-counting delay), so a run of fast
    /// operations could otherwise look quiet while promotions are still due.
    /// </summary>
    private static readonly TimeSpan SteadyTime = TimeSpan.FromSeconds(2);

    public static int Run(int iterations)
    {
        var benchmarks = new ResolveBenchmarks();
        benchmarks.Setup();
        try
        {
            var cases = new (string Name, Func<object?> Action)[]
            {
                ("Resolve", benchmarks.Resolve),
                ("ResolveToJson", benchmarks.ResolveToJson),
                ("Digest", benchmarks.Digest),
                ("ReadYaml", () => benchmarks.ReadYaml()),
            };
            Console.WriteLine("| Method | wall min (ms) | wall median (ms) | CPU per op (ms) | CPU / wall | GC pause per op (ms) | gen0/gen1/gen2 per op | MB allocated per op | MB promoted per op (gen0+gen1) | N | warm-up runs | JIT in timed runs (methods, ms) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            using var promotion = new GcPromotionListener();
            foreach (var (name, action) in cases)
            {
                var warmUp = WarmUp(action, Math.Max(5, iterations / 4));
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var walls = new double[iterations];
                var process = Process.GetCurrentProcess();
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var pauseBefore = GC.GetTotalPauseDuration();
                var collectionsBefore = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var (gen0Before, gen1Before) = (promotion.FromGen0, promotion.FromGen1);
                var (jitMethodsBefore, jitTimeBefore) = (JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());
                var total = Stopwatch.StartNew();
                for (var i = 0; i < iterations; i++)
                {
                    walls[i] = Timed(action);
                }

                var wallTotal = total.Elapsed.TotalMilliseconds;
                var (jitMethods, jitTime) = (JitInfo.GetCompiledMethodCount() - jitMethodsBefore, (JitInfo.GetCompilationTime() - jitTimeBefore).TotalMilliseconds);
                var fromGen0 = (promotion.FromGen0 - gen0Before) / 1e6 / iterations;
                var fromGen1 = (promotion.FromGen1 - gen1Before) / 1e6 / iterations;
                var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6 / iterations;
                var pause = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds / iterations;
                var perOp = Enumerable.Range(0, 3).Select(g => (GC.CollectionCount(g) - collectionsBefore[g]) / (double)iterations).ToArray();
                process.Refresh();
                var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations;
                Array.Sort(walls);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {walls[0]:F1} | {walls[iterations / 2]:F1} | {cpu:F1} | {cpu * iterations / wallTotal:F2} | {pause:F1} | {perOp[0]:F2}/{perOp[1]:F2}/{perOp[2]:F2} | {allocated:F1} | {fromGen0 + fromGen1:F1} ({fromGen0:F1}+{fromGen1:F1}) | {iterations} | {warmUp} | {jitMethods}, {jitTime:F1} |"));
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }

        return 0;
    }

    /// <summary>
    /// Runs <paramref name="action"/> at least <paramref name="minimum"/> times, then until the JIT
    /// (of the whole process: tier-1 work happens in a background thread) compiled no method over
    /// the last <see cref="SteadyRounds"/> runs and <see cref="SteadyTime"/>, or
    /// <see cref="MaxWarmUpRounds"/> runs in all.
    /// </summary>
    /// <returns>How many runs the warm-up took.</returns>
    private static int WarmUp(Func<object?> action, int minimum)
    {
        var runs = 0;
        for (; runs < minimum; runs++)
        {
            Timed(action);
        }

        var compiled = JitInfo.GetCompiledMethodCount();
        var quiet = Stopwatch.StartNew();
        var quietRuns = 0;
        while (runs < MaxWarmUpRounds && (quietRuns < SteadyRounds || quiet.Elapsed < SteadyTime))
        {
            Timed(action);
            runs++;
            var now = JitInfo.GetCompiledMethodCount();
            if (now == compiled)
            {
                quietRuns++;
                continue;
            }

            (compiled, quietRuns) = (now, 0);
            quiet.Restart();
        }

        return runs;
    }

    /// <summary>
    /// One run of <paramref name="action"/>, in milliseconds: the warm-up times its runs the same
    /// way, so the timing code is compiled to tier 1 with the operation, not during the timed runs.
    /// </summary>
    private static double Timed(Func<object?> action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }
}
