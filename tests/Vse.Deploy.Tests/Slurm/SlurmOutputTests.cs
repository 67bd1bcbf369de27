using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

public sealed class SlurmOutputTests
{
    [Theory]
    [InlineData("42\n", 42)]
    [InlineData("42;cluster\n", 42)]
    [InlineData("  7  ", 7)]
    public void Sbatch_parsable_output_gives_the_job_id(string stdout, long expected)
    {
        Assert.Equal(expected, SbatchOutput.ParseJobId(stdout));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Submitted batch job 42")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("42_1")]
    [InlineData(";cluster")]
    [InlineData("99999999999999999999999")]
    public void Anything_else_is_a_clear_error(string stdout)
    {
        var error = Assert.Throws<SlurmOutputException>(() => SbatchOutput.ParseJobId(stdout));
        Assert.Contains("not a job id", error.Message);
    }

    [Fact]
    public void Sinfo_lines_become_partitions_with_their_nodes()
    {
        var partitions = PartitionInfo.Parse("n1|2|1000|idle|debug*|up\nn2|2|1000|mixed|debug*|up\nn3|4|8000|down*|debug*|up\nn3|4|8000|down*|big|down\n");
        Assert.Equal(2, partitions.Count);
        var debug = partitions[0];
        Assert.Equal("debug", debug.Name);
        Assert.True(debug.IsDefault);
        Assert.True(debug.IsUp);
        Assert.Equal(["n1", "n2", "n3"], debug.Nodes.Select(n => n.Name));
        Assert.Equal(new SlurmNode("n3", 4, 8000, "down", Responding: false), debug.Nodes[2]);
        Assert.Equal([true, true, false], debug.Nodes.Select(n => n.IsUsable));
        Assert.False(partitions[1].IsDefault);
        Assert.False(partitions[1].IsUp);
    }

    [Theory]
    [InlineData("idle", true)]
    [InlineData("idle*", false)]
    [InlineData("allocated", true)]
    [InlineData("drained", false)]
    [InlineData("idle~", false)]
    [InlineData("idle#", false)]
    [InlineData("unknown", false)]
    public void Only_responding_nodes_in_a_state_that_takes_jobs_are_usable(string state, bool usable)
    {
        Assert.Equal(usable, PartitionInfo.Parse($"n1|2|1000|{state}|p|up").Single().Nodes.Single().IsUsable);
    }

    [Theory]
    [InlineData("n1|2|1000|idle|debug")]
    [InlineData("n1|two|1000|idle|debug|up")]
    [InlineData("n1|2|1000M|idle|debug|up")]
    [InlineData("|2|1000|idle|debug|up")]
    [InlineData("n1|2|1000|idle||up")]
    public void A_malformed_sinfo_line_is_a_clear_error(string line)
    {
        var error = Assert.Throws<SlurmOutputException>(() => PartitionInfo.Parse(line));
        Assert.Contains(line, error.Message);
    }

    [Theory]
    [InlineData("10", true)]
    [InlineData("10:30", true)]
    [InlineData("1:30:00", true)]
    [InlineData("2-12", true)]
    [InlineData("2-12:30", true)]
    [InlineData("2-12:30:15", true)]
    [InlineData("UNLIMITED", true)]
    [InlineData("", false)]
    [InlineData("10m", false)]
    [InlineData("1:2:3:4", false)]
    [InlineData("-5", false)]
    [InlineData("1-", false)]
    [InlineData("1; rm -rf /", false)]
    public void Time_limits_are_checked_before_submission(string value, bool valid)
    {
        Assert.Equal(valid, SlurmTimeLimit.IsValid(value));
    }
}
