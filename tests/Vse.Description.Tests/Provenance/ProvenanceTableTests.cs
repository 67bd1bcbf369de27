using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Provenance;

namespace Vse.Description.Tests.Provenance;

public sealed class ProvenanceTableTests
{
    private static SourceLocation At(int line) => new("/d/app.vse.yaml", line, 1);

    [Fact]
    public void One_event_is_a_list_of_one()
    {
        var table = new ProvenanceTable();
        var value = ScalarValue.Of("x");
        table.Add(PathKey.Of("env.A"), ProvenanceAction.Set, "base", At(1), value);

        var events = Assert.Single(table["env.A"]);
        Assert.Equal(new ProvenanceEvent(ProvenanceAction.Set, "base", At(1), value), events);
        Assert.Same(value, events.Value);
        Assert.False(table.TryGetValue("env.B", out _));
        Assert.Throws<KeyNotFoundException>(() => table["env.B"]);
    }

    [Fact]
    public void A_paths_events_come_back_in_the_order_they_were_added_whatever_other_paths_were_added_between()
    {
        // More events than one array holds (2,048), so the links cross from array to array.
        var table = new ProvenanceTable();
        var expected = new Dictionary<string, List<ProvenanceEvent>>(StringComparer.Ordinal);
        for (var i = 0; i < 5000; i++)
        {
            var path = i % 3 == 0 ? "env.SHARED" : $"env.V{i % 700}";
            var recorded = new ProvenanceEvent((ProvenanceAction)(i % 6), $"layer{i % 8}", At(i + 1), i % 2 == 0 ? null : ScalarValue.Of(i));
            table.Add(PathKey.Of(path), recorded.Action, recorded.Layer, recorded.Location, recorded.Value);
            (expected.TryGetValue(path, out var list) ? list : expected[path] = []).Add(recorded);
        }

        Assert.Equal(expected.Count, table.Count);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), table.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, pair => Assert.Equal(pair.Value, table[pair.Key]));
        Assert.All(table, pair => Assert.Equal(expected[pair.Key], pair.Value));
        Assert.True(table.ContainsKey("env.SHARED"));
        Assert.Equal(1667, table["env.SHARED"].Count);
    }

    [Fact]
    public void The_log_made_of_it_finds_the_last_write_and_lists_paths_in_order()
    {
        var table = new ProvenanceTable();
        table.Add(PathKey.Child("env", "B"), ProvenanceAction.Set, "base", At(1), ScalarValue.Of("1"));
        table.Add(PathKey.Of("env.A"), ProvenanceAction.Set, "base", At(2), ScalarValue.Of("2"));
        table.Add(PathKey.Of("env.B"), ProvenanceAction.Changed, "app", At(3), ScalarValue.Of("3"));
        table.Add(PathKey.Child("env", "B"), ProvenanceAction.Removed, "user", At(4), null);

        var log = new ProvenanceLog(table);

        Assert.Equal(["env.A", "env.B"], log.Paths);
        Assert.Equal(At(3), log.LastWrite("env.B")?.Location);
        Assert.Equal(3, log.For("env.B").Count);
        Assert.Empty(log.For("env.C"));
    }
}
