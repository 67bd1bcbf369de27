using System.Diagnostics;
using System.Globalization;

namespace Vse.Bench;

/// <summary>
/// <c>Vse.Bench cputime [N]</c>: runs each benchmark of <see cref="ResolveBenchmarks"/> N times
/// after a warm-up and prints, per operation, the wall-clock minimum and median and the
/// process CPU time (all threads, the GC's included), with the GC's pause time and collections
/// per operation, the bytes allocated per operation (all threads) and the bytes the collections
/// promoted per operation, out of gen0 and out of gen1 (<see cref="GcPromotionListener"/>). On a machine shared with other work,
/// wall-clock time measures the queue for the CPU as much as the code; CPU time and the
/// minimum are the steadier estimates. A complement to BenchmarkDotNet, not a replacement.
/// </summary>
public static class CpuTimeRunner
{
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
            Console.WriteLine("| Method | wall min (ms) | wall median (ms) | CPU per op (ms) | CPU / wall | GC pause per op (ms) | gen0/gen1/gen2 per op | MB allocated per op | MB promoted per op (gen0+gen1) | N |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            using var promotion = new GcPromotionListener();
            foreach (var (name, action) in cases)
            {
                for (var i = 0; i < Math.Max(5, iterations / 4); i++)
                {
                    action();
                }

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
                var total = Stopwatch.StartNew();
                for (var i = 0; i < iterations; i++)
                {
                    var watch = Stopwatch.StartNew();
                    action();
                    walls[i] = watch.Elapsed.TotalMilliseconds;
                }

                var wallTotal = total.Elapsed.TotalMilliseconds;
                var fromGen0 = (promotion.FromGen0 - gen0Before) / 1e6 / iterations;
                var fromGen1 = (promotion.FromGen1 - gen1Before) / 1e6 / iterations;
                var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6 / iterations;
                var pause = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds / iterations;
                var perOp = Enumerable.Range(0, 3).Select(g => (GC.CollectionCount(g) - collectionsBefore[g]) / (double)iterations).ToArray();
                process.Refresh();
                var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations;
                Array.Sort(walls);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {walls[0]:F1} | {walls[iterations / 2]:F1} | {cpu:F1} | {cpu * iterations / wallTotal:F2} | {pause:F1} | {perOp[0]:F2}/{perOp[1]:F2}/{perOp[2]:F2} | {allocated:F1} | {fromGen0 + fromGen1:F1} ({fromGen0:F1}+{fromGen1:F1}) | {iterations} |"));
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }

        return 0;
    }
}
