using Vse.Deploy.Mpi;

namespace Vse.Deploy.Tests.Mpi;

public sealed class CoreBudgetTests
{
    [Theory]
    [InlineData(16, null, 16)]
    [InlineData(16, "4", 4)]
    [InlineData(2, "8", 2)]
    [InlineData(16, "", 16)]
    [InlineData(16, "0", 16)]
    [InlineData(16, "-3", 16)]
    [InlineData(16, "4x", 16)]
    [InlineData(16, " 4", 16)]
    [InlineData(16, "99999999999", 16)]
    public void TheFewerOfTheProcessorsAndTheSlurmAllocationsCpus(int processors, string? slurm, int expected) =>
        Assert.Equal(expected, CoreBudget.Of(processors, slurm));

    [Fact]
    public void NoProcessorIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CoreBudget.Of(0, "4"));

    [Fact]
    public void ThisProcessHasAtLeastOneCoreAndNoMoreThanItMayUse() =>
        Assert.InRange(CoreBudget.OfThisProcess(), 1, Environment.ProcessorCount);
}
