using Vse.Deploy.Slurm;
using Vse.Description.Model;

namespace Vse.Deploy.Tests.Slurm;

public sealed class SlurmAdmissionTests
{
    private static readonly PartitionInfo Debug = PartitionInfo.Parse("n1|2|1000|idle|debug*|up\nn2|2|1000|idle|debug*|up\nn3|2|4000|idle|debug*|up\nn4|2|4000|down*|debug*|up\nn5|8|64000|idle|gpu|up\n")[0];

    private static ResourceLimits Memory(long mib) => new(null, mib * 1024 * 1024);

    [Fact]
    public void A_request_the_partition_can_run_passes()
    {
        SlurmAdmission.Check(Debug, 3, 2, ResourceLimits.None);
        SlurmAdmission.Check(Debug, 3, 2, Memory(500));
        SlurmAdmission.Check(Debug, 1, 4, Memory(1000));
    }

    [Fact]
    public void More_nodes_than_usable_ones_is_refused_with_the_counts()
    {
        var error = Assert.Throws<SlurmRequestException>(() => SlurmAdmission.Check(Debug, 4, 1, ResourceLimits.None));
        Assert.Equal("--nodes 4: partition 'debug' has 3 usable node(s) of 4; the job would never start", error.Message);
    }

    [Fact]
    public void Too_few_nodes_with_the_memory_of_K_instances_is_refused()
    {
        // 2 x 600 MiB = 1200 MiB: only n3 (4000 MB) has it.
        var error = Assert.Throws<SlurmRequestException>(() => SlurmAdmission.Check(Debug, 2, 2, Memory(600)));
        Assert.Contains("need 1200 MB on each node", error.Message);
        Assert.Contains("1 usable node(s) with that much memory", error.Message);
    }

    [Fact]
    public void A_partition_that_is_not_up_is_refused()
    {
        var down = Debug with { IsUp = false };
        Assert.Contains("is not up", Assert.Throws<SlurmRequestException>(() => SlurmAdmission.Check(down, 1, 1, ResourceLimits.None)).Message);
    }

    [Fact]
    public void The_default_partition_or_the_named_one_is_chosen()
    {
        var partitions = PartitionInfo.Parse("n1|2|1000|idle|debug*|up\nn5|8|64000|idle|gpu|up\n");
        Assert.Equal("debug", SlurmAdmission.Select(partitions, null).Name);
        Assert.Equal("gpu", SlurmAdmission.Select(partitions, "gpu").Name);
        var error = Assert.Throws<SlurmRequestException>(() => SlurmAdmission.Select(partitions, "nope"));
        Assert.Equal("--partition: Slurm has no partition 'nope' (there are: debug, gpu)", error.Message);
        Assert.Throws<SlurmRequestException>(() => SlurmAdmission.Select(PartitionInfo.Parse("n5|8|64000|idle|gpu|up"), null));
    }

    [Fact]
    public void Memory_per_node_is_rounded_up_to_whole_megabytes()
    {
        Assert.Null(SlurmAdmission.MemoryPerNodeMb(3, ResourceLimits.None));
        Assert.Equal(1, SlurmAdmission.MemoryPerNodeMb(1, new ResourceLimits(null, 1)));
        Assert.Equal(3, SlurmAdmission.MemoryPerNodeMb(3, Memory(1)));
    }
}
