using Vse.Description.Diagnostics;
using Vse.Description.Provenance;

namespace Vse.Description.Tests.Provenance;

public sealed class ProvenanceChainTests
{
    private static ProvenanceEvent Event(string layer, int line) =>
        new(ProvenanceAction.Set, layer, new SourceLocation("/d/app.vse.yaml", line, 1), null);

    [Fact]
    public void One_event_is_a_list_of_one()
    {
        var first = Event("base", 1);
        var chain = new ProvenanceChain(first);

        Assert.Single(chain);
        Assert.Same(first, chain[0]);
        Assert.Same(first, chain[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => chain[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => chain[-1]);
    }

    [Fact]
    public void Later_events_follow_the_first_in_the_order_they_were_added()
    {
        var events = Enumerable.Range(1, 5).Select(i => Event($"layer{i}", i)).ToList();
        var chain = new ProvenanceChain(events[0]);
        foreach (var later in events.Skip(1))
        {
            chain.Add(later);
        }

        Assert.Equal(5, chain.Count);
        Assert.Equal(events, chain);
        Assert.Equal(events, Enumerable.Range(0, chain.Count).Select(i => chain[i]));
        Assert.Same(events[^1], chain[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => chain[5]);
    }
}
