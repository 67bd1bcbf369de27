using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

public sealed class SlurmNodeAddressesTests
{
    [Fact]
    public void Each_line_gives_the_nodes_name_and_the_address_slurm_reaches_it_by()
    {
        const string output = """
            NodeName=n1 Arch=x86_64 CoresPerSocket=1 CPUAlloc=1 CPUTot=2 NodeAddr=10.78.0.11 NodeHostName=n1 Version=22.05.8 OS=Linux 6.1.0 #1 SMP Reason=none
            NodeName=n2 Arch=x86_64 NodeAddr=node2.cluster NodeHostName=n2 Comment=(null) Partitions=debug
            """;

        Assert.Equal([("n1", "10.78.0.11"), ("n2", "node2.cluster")], SlurmNodeAddresses.Parse(output));
    }

    [Theory]
    [InlineData("NodeName=n1 NodeHostName=n1")]
    [InlineData("NodeAddr=10.0.0.1")]
    [InlineData("NodeName=n1 NodeAddr=")]
    [InlineData("Node n1 not found")]
    public void A_line_without_both_is_an_error_not_a_guess(string line) =>
        Assert.Throws<SlurmOutputException>(() => SlurmNodeAddresses.Parse(line).ToList());
}
