using Vse.Description.Model;

namespace Vse.Description.Tests.Values;

public sealed class MapValueBuilderTests
{
    private static MapValue Map(params string[] keys) =>
        MapValue.Of(keys.Select(k => KeyValuePair.Create(k, (DescriptionValue)ScalarValue.Of(k + "-old"))));

    private static List<string> Render(MapValue map) => [.. map.Entries.Select(e => $"{e.Key}={e.Value}")];

    [Fact]
    public void Nothing_changed_gives_the_original_map()
    {
        var map = Map("a", "b");
        var builder = new MapValueBuilder(map);
        builder.Set("a", ScalarValue.Of("a-old"));
        builder.Remove("x");

        Assert.Same(map, builder.ToMap());
    }

    [Fact]
    public void Sets_removes_and_additions_come_out_in_key_order()
    {
        var builder = new MapValueBuilder(Map("b", "d", "f"));
        builder.Set("e", ScalarValue.Of("e-new"));
        builder.Set("d", ScalarValue.Of("d-new"));
        builder.Remove("f");
        builder.Set("a", ScalarValue.Of("a-new"));
        builder.Set("g", ScalarValue.Of("g-new"));
        builder.Set("c", ScalarValue.Of("c-new"));

        Assert.Equal(["a=a-new", "b=b-old", "c=c-new", "d=d-new", "e=e-new", "g=g-new"], Render(builder.ToMap()));
    }

    [Fact]
    public void The_builder_reads_its_own_changes()
    {
        var builder = new MapValueBuilder(Map("a", "b"));
        builder.Set("a", ScalarValue.Of("a-new"));
        builder.Remove("b");
        builder.Set("c", ScalarValue.Of("c-new"));

        Assert.Equal("a-new", builder["a"]!.ToString());
        Assert.Null(builder["b"]);
        Assert.Equal("c-new", builder["c"]!.ToString());
        Assert.Null(builder["d"]);
    }

    [Fact]
    public void A_removed_key_set_again_and_a_new_key_removed_again_count_once()
    {
        var builder = new MapValueBuilder(Map("a", "b"));
        builder.Remove("a");
        builder.Remove("a");
        builder.Set("a", ScalarValue.Of("a-new"));
        builder.Set("n", ScalarValue.Of("n-new"));
        builder.Remove("n");
        builder.Remove("b");

        Assert.Equal(["a=a-new"], Render(builder.ToMap()));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)] // past the few new keys found by a linear search
    [InlineData(500)]
    public void Many_new_keys_in_any_order_are_found_again_and_merged_in_order(int count)
    {
        var original = Map("k0250", "k9999");
        var builder = new MapValueBuilder(original);
        var keys = Enumerable.Range(0, count).Select(i => $"k{(i * 7919) % count:D4}").ToList();
        foreach (var key in keys)
        {
            builder.Set(key, ScalarValue.Of(key + "-new"));
        }

        foreach (var key in keys)
        {
            builder.Set(key, ScalarValue.Of(key + "-again"));
            Assert.Equal(key + "-again", builder[key]!.ToString());
        }

        var merged = builder.ToMap();
        var expected = keys.Union(["k0250", "k9999"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, merged.Entries.Keys);
        Assert.Equal(expected.Count, merged.Count);
        Assert.All(keys, key => Assert.Equal(key + "-again", merged[key]!.ToString()));
    }

    [Fact]
    public void Removing_everything_gives_the_empty_map()
    {
        var builder = new MapValueBuilder(Map("a", "b"));
        builder.Remove("a");
        builder.Remove("b");

        Assert.Same(MapValue.Empty, builder.ToMap());
    }
}
