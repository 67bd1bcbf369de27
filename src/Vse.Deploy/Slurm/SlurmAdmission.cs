using Vse.Description.Model;

namespace Vse.Deploy.Slurm;

/// <summary>
/// Whether a partition can ever run a request of N nodes with K instances each, checked before
/// submission so that an impossible request is an error now instead of a job that waits forever
/// (Slurm itself queues a job that asks for more nodes than are up). Site policy (instances,
/// per_node, drivers) is checked separately, by <see cref="DeployPolicy.Recheck"/>.
/// </summary>
public static class SlurmAdmission
{
    private const long Megabyte = 1024 * 1024;

    /// <summary>The partition named <paramref name="requested"/>, or the default one when null.</summary>
    /// <exception cref="SlurmRequestException">No such partition, or no default one.</exception>
    public static PartitionInfo Select(IReadOnlyList<PartitionInfo> partitions, string? requested)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var found = requested is null ? partitions.FirstOrDefault(p => p.IsDefault) : partitions.FirstOrDefault(p => p.Name == requested);
        return found ?? throw new SlurmRequestException(requested is null
            ? "--partition: Slurm has no default partition; name one"
            : $"--partition: Slurm has no partition '{requested}' (there are: {string.Join(", ", partitions.Select(p => p.Name))})");
    }

    /// <summary>The memory a node must offer for <paramref name="perNode"/> instances, in megabytes (rounded up), or null when the description sets no limit.</summary>
    public static long? MemoryPerNodeMb(int perNode, ResourceLimits resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return resources.MemoryBytes is { } bytes ? checked((bytes * perNode + Megabyte - 1) / Megabyte) : null;
    }

    /// <exception cref="SlurmRequestException">The partition is down, has fewer usable nodes than asked for, or too few with enough memory.</exception>
    public static void Check(PartitionInfo partition, int nodes, int perNode, ResourceLimits resources)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perNode, 1);
        if (!partition.IsUp)
        {
            throw new SlurmRequestException($"partition '{partition.Name}' is not up; a job there would wait until an administrator brings it up");
        }

        var usable = partition.Nodes.Where(n => n.IsUsable).ToList();
        if (usable.Count < nodes)
        {
            throw new SlurmRequestException(
                $"--nodes {nodes}: partition '{partition.Name}' has {usable.Count} usable node(s) of {partition.Nodes.Count}; the job would never start");
        }

        if (MemoryPerNodeMb(perNode, resources) is { } needed)
        {
            var large = usable.Count(n => n.MemoryMb >= needed);
            if (large < nodes)
            {
                throw new SlurmRequestException(
                    $"--per-node {perNode}: {perNode} instance(s) of {resources.MemoryBytes / Megabyte} MiB need {needed} MB on each node; "
                    + $"partition '{partition.Name}' has {large} usable node(s) with that much memory (largest: {usable.Max(n => n.MemoryMb)} MB), {nodes} asked for");
            }
        }
    }
}
