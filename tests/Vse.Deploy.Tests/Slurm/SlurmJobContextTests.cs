using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

public sealed class SlurmJobContextTests
{
    [Fact]
    public void The_job_node_and_rank_come_from_slurms_variables()
    {
        var context = SlurmJobContext.FromEnvironment(new Dictionary<string, string> { ["SLURM_JOB_ID"] = "17", ["SLURM_NODEID"] = "2", ["SLURMD_NODENAME"] = "n3" });
        Assert.Equal(new SlurmJobContext(17, "n3", 2), context);
    }

    [Fact]
    public void The_jobs_node_list_comes_along_when_slurm_sets_it()
    {
        var context = SlurmJobContext.FromEnvironment(new Dictionary<string, string>
        {
            ["SLURM_JOB_ID"] = "17", ["SLURM_NODEID"] = "0", ["SLURMD_NODENAME"] = "n1", ["SLURM_JOB_NODELIST"] = "n[1-3]",
        });
        Assert.Equal("n[1-3]", context.NodeList);
    }

    [Theory]
    [InlineData("--all")]
    [InlineData("n1 n2")]
    public void A_node_list_that_would_read_as_an_option_or_two_arguments_is_refused(string nodeList) =>
        Assert.Throws<SlurmRequestException>(() => SlurmJobContext.FromEnvironment(new Dictionary<string, string>
        {
            ["SLURM_JOB_ID"] = "17", ["SLURM_NODEID"] = "0", ["SLURMD_NODENAME"] = "n1", ["SLURM_JOB_NODELIST"] = nodeList,
        }));

    [Fact]
    public void Outside_a_job_step_it_says_so()
    {
        var error = Assert.Throws<SlurmRequestException>(() => SlurmJobContext.FromEnvironment(new Dictionary<string, string>()));
        Assert.Equal("SLURM_JOB_ID is not set: this runs only inside a Slurm job step (srun)", error.Message);
    }

    [Theory]
    [InlineData("x", "0", "n1")]
    [InlineData("1", "-1", "n1")]
    [InlineData("1", "0", "../etc")]
    [InlineData("1", "0", "..")]
    public void Malformed_values_are_refused(string job, string rank, string node)
    {
        Assert.Throws<SlurmRequestException>(() => SlurmJobContext.FromEnvironment(
            new Dictionary<string, string> { ["SLURM_JOB_ID"] = job, ["SLURM_NODEID"] = rank, ["SLURMD_NODENAME"] = node }));
    }

    [Fact]
    public void Each_node_gets_its_own_data_directory()
    {
        Assert.Equal("/tmp/vse-node/n2", NodeShare.NodeHome(new Dictionary<string, string>(), "n2").Root);
        Assert.Equal("/scratch/v/n2", NodeShare.NodeHome(new Dictionary<string, string> { ["VSE_NODE_HOME"] = "/scratch/v" }, "n2").Root);
    }
}
