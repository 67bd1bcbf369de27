using Vse.Description.Model;

namespace Vse.Description.Tests.Values;

public sealed class MapValueTests
{
    private static KeyValuePair<string, DescriptionValue> Entry(string key, string value) => KeyValuePair.Create(key, (DescriptionValue)ScalarValue.Of(value));

    private static List<string> Keys(MapValue map) => [.. map.Entries.Keys];

    [Fact]
    public void Of_orders_the_keys_ordinally_whatever_order_they_come_in()
    {
        var map = MapValue.Of([Entry("b", "2"), Entry("Z", "0"), Entry("a", "1"), Entry("Ä", "3")]);

        Assert.Equal(["Z", "a", "b", "Ä"], Keys(map));
        Assert.Equal(4, map.Count);
        Assert.Equal("1", map["a"]!.ToString());
        Assert.Null(map["A"]);
    }

    [Fact]
    public void Of_refuses_a_key_given_twice()
    {
        var error = Assert.Throws<ArgumentException>(() => MapValue.Of([Entry("a", "1"), Entry("b", "2"), Entry("a", "3")]));

        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_no_entries_is_the_empty_map()
    {
        Assert.Same(MapValue.Empty, MapValue.Of([]));
        Assert.True(MapValue.Empty.IsEmpty);
        Assert.Empty(MapValue.Empty.Entries);
    }

    [Fact]
    public void With_inserts_in_order_and_replaces_in_place_leaving_the_original_as_it_was()
    {
        var original = MapValue.Of([Entry("b", "2"), Entry("d", "4")]);

        var added = original.With("c", ScalarValue.Of("3")).With("a", ScalarValue.Of("1")).With("e", ScalarValue.Of("5"));
        var replaced = added.With("c", ScalarValue.Of("three"));

        Assert.Equal(["a", "b", "c", "d", "e"], Keys(added));
        Assert.Equal("3", added["c"]!.ToString());
        Assert.Equal("three", replaced["c"]!.ToString());
        Assert.Equal(["b", "d"], Keys(original));
    }

    [Fact]
    public void With_an_equal_value_and_Without_an_absent_key_give_the_same_map()
    {
        var map = MapValue.Of([Entry("a", "1")]);

        Assert.Same(map, map.With("a", ScalarValue.Of("1")));
        Assert.Same(map, map.Without("b"));
    }

    [Fact]
    public void Without_removes_one_key_and_the_last_key_leaves_the_empty_map()
    {
        var map = MapValue.Of([Entry("a", "1"), Entry("b", "2"), Entry("c", "3")]);

        Assert.Equal(["a", "c"], Keys(map.Without("b")));
        Assert.Same(MapValue.Empty, MapValue.Of([Entry("a", "1")]).Without("a"));
    }

    [Fact]
    public void WithEach_replaces_and_drops_in_one_pass_and_gives_the_same_map_when_nothing_changes()
    {
        var map = MapValue.Of([Entry("a", "1"), Entry("b", "2"), Entry("c", "3"), Entry("d", "4")]);

        var changed = map.WithEach((key, value) => key switch
        {
            "b" => null,
            "c" => ScalarValue.Of("three"),
            _ => value,
        });

        Assert.Equal(["a", "c", "d"], Keys(changed));
        Assert.Equal("three", changed["c"]!.ToString());
        Assert.Same(map, map.WithEach((_, value) => value));
        Assert.Same(MapValue.Empty, map.WithEach((_, _) => null));
    }

    [Fact]
    public void TryGetValue_and_ContainsKey_find_every_key_and_no_other()
    {
        var keys = Enumerable.Range(0, 100).Select(i => $"k{i:D3}").ToList();
        var map = MapValue.Of(keys.AsEnumerable().Reverse().Select(k => Entry(k, k)));

        foreach (var key in keys)
        {
            Assert.True(map.TryGetValue(key, out var value));
            Assert.Equal(key, value.ToString());
        }

        Assert.False(map.ContainsKey("k"));
        Assert.False(map.ContainsKey("k100"));
        Assert.False(map.TryGetValue("a", out _));
    }

    [Fact]
    public void Maps_are_equal_when_they_share_their_entries_not_when_they_only_hold_equal_ones()
    {
        var map = MapValue.Of([Entry("a", "1")]);

        Assert.Equal(map, map.With("a", ScalarValue.Of("1")));
        Assert.NotEqual(map, MapValue.Of([Entry("a", "1")]));
    }

    [Fact]
    public void The_entries_enumerate_in_key_order_through_the_interface_too()
    {
        var map = MapValue.Of([Entry("b", "2"), Entry("a", "1")]);
        IEnumerable<KeyValuePair<string, DescriptionValue>> entries = map.Entries;

        Assert.Equal(["a", "b"], entries.Select(e => e.Key));
        Assert.Equal("a", map.Entries[0].Key);
        Assert.Equal(["1", "2"], map.Entries.Values.Select(v => v.ToString()));
    }
}
