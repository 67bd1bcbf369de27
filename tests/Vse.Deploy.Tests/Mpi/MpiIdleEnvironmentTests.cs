using Vse.Deploy.Mpi;

namespace Vse.Deploy.Tests.Mpi;

public sealed class MpiIdleEnvironmentTests
{
    private static readonly Dictionary<string, string> Description = new(StringComparer.Ordinal) { ["PATH"] = "/usr/bin", ["RING_LAPS"] = "3" };

    [Theory]
    [InlineData(1, 2, false)]
    [InlineData(2, 2, false)]
    [InlineData(3, 2, true)]
    [InlineData(4, 2, true)]
    [InlineData(16, 16, false)]
    [InlineData(1024, 16, true)]
    public void RanksOutnumberingTheCoresIsOversubscription(int instances, int cores, bool expected) =>
        Assert.Equal(expected, MpiIdleEnvironment.IsOversubscribed(instances, cores));

    [Fact]
    public void OversubscribedInstancesGetTheYieldSettingsOfOpenMpiAndMpich()
    {
        var env = MpiIdleEnvironment.Apply(Description, 4, 2);
        Assert.Equal("1", env["OMPI_MCA_mpi_yield_when_idle"]);
        Assert.Equal("1", env["MPIR_CVAR_POLLS_BEFORE_YIELD"]);
        Assert.Equal("3", env["RING_LAPS"]);
        Assert.Equal(Description.Count + 2, env.Count);
    }

    [Fact]
    public void InstancesWithACoreEachGetTheDescriptionsEnvironmentUnchanged() =>
        Assert.Same(Description, MpiIdleEnvironment.Apply(Description, 2, 2));

    [Fact]
    public void AValueTheDescriptionSetsWins()
    {
        var description = new Dictionary<string, string>(Description, StringComparer.Ordinal) { ["OMPI_MCA_mpi_yield_when_idle"] = "0" };
        var env = MpiIdleEnvironment.Apply(description, 8, 2);
        Assert.Equal("0", env["OMPI_MCA_mpi_yield_when_idle"]);
        Assert.Equal("1", env["MPIR_CVAR_POLLS_BEFORE_YIELD"]);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(4, 0)]
    [InlineData(-1, 2)]
    public void CountsBelowOneAreRefused(int instances, int cores) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MpiIdleEnvironment.IsOversubscribed(instances, cores));
}
