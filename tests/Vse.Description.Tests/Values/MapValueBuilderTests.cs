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
    public void A_removed_key_set_again_counts_once_and_an_absent_key_removed_is_no_change()
    {
        var map = Map("a", "b");
        var builder = new MapValueBuilder(map);
        builder.Remove("a");
        builder.Remove("a");
        builder.Set("a", ScalarValue.Of("a-new"));
        builder.Remove("n");
        builder.Remove("b");

        Assert.Equal(["a=a-new"], Render(builder.ToMap()));
        Assert.Equal(["a=a-old", "b=b-old"], Render(map));
    }

    [Fact]
    public void A_new_key_set_twice_is_refused()
    {
        var builder = new MapValueBuilder(Map("a"));
        builder.Set("n", ScalarValue.Of("1"));
        builder.Set("n", ScalarValue.Of("2"));

        Assert.Throws<InvalidOperationException>(builder.ToMap);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(2, 9)]
    [InlineData(2, 500)]
    public void Many_new_keys_in_any_order_merge_in_order_with_the_original_ones(int originalKeys, int count)
    {
        var original = Map([.. new[] { "k0250x", "k9999" }.Take(originalKeys)]);
        var builder = new MapValueBuilder(original, count);
        var keys = Enumerable.Range(0, count).Select(i => $"k{(i * 7919) % count:D4}").ToList();
        foreach (var key in keys)
        {
            builder.Set(key, ScalarValue.Of(key + "-new"));
        }

        var merged = builder.ToMap();
        var expected = keys.Concat(original.Entries.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, merged.Entries.Keys);
        Assert.Equal(expected.Count, merged.Count);
        Assert.All(keys, key => Assert.Equal(key + "-new", merged[key]!.ToString()));
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
