using System.Globalization;

namespace Vse.Bench;

/// <summary>
/// <c>Vse.Bench retained [N]</c>: the memory that a resolved description of the generated hierarchy
/// keeps alive (content, provenance, policy), in MB per resolve, measured by holding N
/// results (default 10) between two full collections. What a resolve keeps alive to its end is
/// what the collections during it copy from generation to generation: the number to make smaller.
/// </summary>
public static class RetainedSize
{
    public static int Run(int count)
    {
        var benchmarks = new ResolveBenchmarks();
        benchmarks.Setup();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                benchmarks.Resolve();
            }

            var held = new object?[count];
            var before = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < count; i++)
            {
                held[i] = benchmarks.Resolve();
            }

            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(held);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retained per resolved description: {(after - before) / 1e6 / count:F2} MB (N = {count})"));
        }
        finally
        {
            benchmarks.Cleanup();
        }

        return 0;
    }
}
