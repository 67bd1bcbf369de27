namespace Vse.Cli.Tests;

/// <summary>What <c>examples/apps/mpi-ring</c> prints when it ran right: one line per rank, the ring's token and the allreduce sum.</summary>
internal static class MpiRingOutput
{
    /// <summary>The example's RING_LAPS.</summary>
    private const int Laps = 3;

    /// <summary>Rank r ran on instance <c>LABEL-r</c> (the deployment's hostnames), for every r of <paramref name="size"/>, and both checks passed.</summary>
    public static void AssertRanOnEveryInstance(string stdout, int size, string label)
    {
        for (var rank = 0; rank < size; rank++)
        {
            Assert.Contains($"rank {rank} of {size} on {label}-{rank}\n", stdout);
        }

        Assert.Contains($"ring: token came back as {Laps * size} after {Laps} lap(s) (expected {Laps * size})", stdout);
        Assert.Contains($"allreduce: sum of ranks = {size * (size - 1) / 2} (expected {size * (size - 1) / 2})", stdout);
        Assert.Contains("mpi-ring: OK", stdout);
    }
}
