using Vse.Deploy.Slurm;
using Vse.Description.Model;

namespace Vse.Deploy.Tests.Slurm;

public sealed class SbatchArgumentsTests
{
    private static readonly JobDirectory Directory = new("/home/u/.vse/slurm/0123abcd");

    [Fact]
    public void A_plain_job_asks_for_one_task_per_node_without_requeue_and_ends_with_the_script()
    {
        Assert.Equal(
            [
                "--parsable", "--job-name=vse-apps/ring", "--nodes=3", "--ntasks-per-node=1",
                "--output=/home/u/.vse/slurm/0123abcd/slurm.out", "--chdir=/home/u/.vse/slurm/0123abcd", "--no-requeue",
                Directory.BatchScript,
            ],
            SlurmSubmission.SbatchArguments(BatchScriptTests.Job(), Directory, null, null, ResourceLimits.None, wait: false));
    }

    [Fact]
    public void Partition_time_memory_of_all_instances_on_a_node_and_wait_are_passed_on()
    {
        var partition = PartitionInfo.Parse("n1|2|4000|idle|debug*|up\n")[0];
        var arguments = SlurmSubmission.SbatchArguments(
            BatchScriptTests.Job(perNode: 2), Directory, partition, "1:30:00", new ResourceLimits(null, 600L * 1024 * 1024), wait: true);
        Assert.Equal(["--partition=debug", "--time=1:30:00", "--mem=1200M", "--wait", Directory.BatchScript], arguments.Skip(7));
    }
}
