using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Vse.Bench;

// `Vse.Bench generate DIR [LEVELS] [KEYS]` writes the hierarchy (used by bench/startup.sh) and prints the leaf.
// `Vse.Bench cputime [N]` times each benchmark N times (default 40) by wall clock and CPU time (CpuTimeRunner),
// after a warm-up that lasts until tiered compilation is done with it (20 runs and 2 s without a
// method compiled); its last columns say how long the warm-up was and what the JIT still compiled
// during the timed runs.
// `Vse.Bench allocations [N]` samples what a resolve allocates, by type (AllocationSampler).
// `Vse.Bench retained [N]` measures what a resolved description keeps alive (RetainedSize).
// Anything else goes to BenchmarkDotNet, e.g. `Vse.Bench --filter '*'`.
if (args is ["generate", var directory, .. var rest])
{
    var levels = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 8;
    var keys = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 10_000;
    Console.WriteLine(HierarchyGenerator.Write(directory, levels, keys).Leaf);
    return 0;
}

if (args is ["cputime", .. var more])
{
    return CpuTimeRunner.Run(more.Length > 0 ? int.Parse(more[0], CultureInfo.InvariantCulture) : 40);
}

if (args is ["retained", .. var held])
{
    return RetainedSize.Run(held.Length > 0 ? int.Parse(held[0], CultureInfo.InvariantCulture) : 10);
}

if (args is ["allocations", .. var count])
{
    return AllocationSampler.Run(count.Length > 0 ? int.Parse(count[0], CultureInfo.InvariantCulture) : 50);
}

// Results go to bench/BenchmarkDotNet.Artifacts (git-ignored) wherever the command is run from.
var config = DefaultConfig.Instance;
if (FindRepositoryRoot() is { } root)
{
    config = config.WithArtifactsPath(Path.Combine(root, "bench", "BenchmarkDotNet.Artifacts"));
}

BenchmarkSwitcher.FromAssembly(typeof(ResolveBenchmarks).Assembly).Run(args, config);
return 0;

static string? FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "vse.slnx")))
        {
            return directory.FullName;
        }
    }

    return null;
}
