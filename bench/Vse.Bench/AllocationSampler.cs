using System.Diagnostics.Tracing;
using System.Globalization;

namespace Vse.Bench;

/// <summary>
/// <c>Vse.Bench allocations [N]</c>: resolves the generated hierarchy N times (default 50) while
/// listening to the runtime's sampled allocation events (<c>GCAllocationTick</c>, one per ~100 KB
/// allocated), and prints the types that were allocated most, in KB per resolve. A sample, not an
/// exact count: the figures are estimates that are good to a few percent for types that take
/// more than ~1 % of the allocation. Where to look next, not a number to report.
/// </summary>
public static class AllocationSampler
{
    public static int Run(int iterations)
    {
        var benchmarks = new ResolveBenchmarks();
        benchmarks.Setup();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                benchmarks.Resolve();
            }

            using var listener = new AllocationListener();
            for (var i = 0; i < iterations; i++)
            {
                benchmarks.Resolve();
            }

            listener.Dispose();
            var total = listener.Bytes.Values.Sum();
            Console.WriteLine($"| KB per resolve | share | type (sampled over {iterations} resolves) |");
            Console.WriteLine("|---:|---:|---|");
            foreach (var (type, bytes) in listener.Bytes.OrderByDescending(t => t.Value).Take(40))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {bytes / 1024.0 / iterations:F0} | {100.0 * bytes / total:F1} % | {type} |"));
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }

        return 0;
    }

    private sealed class AllocationListener : GcEventListener
    {
        public Dictionary<string, long> Bytes { get; } = new(StringComparer.Ordinal);

        protected override EventLevel Level => EventLevel.Verbose;

        protected override string EventName => "GCAllocationTick";

        protected override void OnGcEvent(EventWrittenEventArgs data)
        {
            var type = Field(data, "TypeName") as string ?? "?";
            var amount = Convert.ToInt64(Field(data, "AllocationAmount64") ?? 0L, CultureInfo.InvariantCulture);
            lock (Bytes)
            {
                Bytes[type] = Bytes.GetValueOrDefault(type) + amount;
            }
        }
    }
}
