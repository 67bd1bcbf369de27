namespace Vse.Cli.Tests.Faults;

public sealed class FaultSeedsTests
{
    [Fact]
    public void Consecutive_seeds_spread_their_moments_over_the_whole_operation()
    {
        var fractions = Enumerable.Range(1, 20).Select(FaultSeeds.Fraction).ToList();

        Assert.All(fractions, f => Assert.InRange(f, 0.0, 0.9999999));
        // Every third of the operation gets a moment, and no two seeds share one.
        Assert.Equal(3, fractions.Select(f => (int)(f * 3)).Distinct().Count());
        Assert.Equal(20, fractions.Distinct().Count());
        // new Random(seed)'s first draws of seeds 1, 3, 5, ... rise in step (0.24, 0.29, 0.34, ...).
        var odd = fractions.Where((_, i) => i % 2 == 0).ToList();
        Assert.False(odd.SequenceEqual(odd.Order()), "the moments of consecutive seeds rise in step");
    }

    [Fact]
    public void A_seed_always_draws_the_same_moment()
    {
        Assert.Equal(FaultSeeds.DelayOf(7, TimeSpan.FromSeconds(10)), FaultSeeds.DelayOf(7, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.Zero, FaultSeeds.DelayOf(7, TimeSpan.Zero));
    }
}
