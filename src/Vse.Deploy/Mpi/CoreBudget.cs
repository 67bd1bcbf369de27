using System.Globalization;

namespace Vse.Deploy.Mpi;

/// <summary>
/// The cores a deployment's instances on this node run on: the fewest of what the process may use
/// (<see cref="Environment.ProcessorCount"/>: the online CPUs in its affinity mask, capped by its
/// cgroup's CPU quota, cpu.max or cpu.cfs_quota_us) and, inside a Slurm allocation, the CPUs it gave
/// this node (<c>SLURM_CPUS_ON_NODE</c>).
/// </summary>
public static class CoreBudget
{
    /// <summary>The Slurm step's CPUs on this node, as slurmd sets it for every task.</summary>
    public const string SlurmCpusOnNode = "SLURM_CPUS_ON_NODE";

    /// <summary>This process's cores now.</summary>
    public static int OfThisProcess() => Of(Environment.ProcessorCount, Environment.GetEnvironmentVariable(SlurmCpusOnNode));

    /// <summary>
    /// The fewer of <paramref name="processorCount"/> and <paramref name="slurmCpusOnNode"/>; a Slurm value
    /// that is not a positive whole number is ignored (it is Slurm's to set, not the user's to get wrong).
    /// </summary>
    public static int Of(int processorCount, string? slurmCpusOnNode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processorCount, 1);
        return int.TryParse(slurmCpusOnNode, NumberStyles.None, CultureInfo.InvariantCulture, out var slurm) && slurm > 0
            ? Math.Min(processorCount, slurm)
            : processorCount;
    }
}
