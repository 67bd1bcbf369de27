using Vse.Description.Provenance;

namespace Vse.Description.Tests.Provenance;

public sealed class PartitionedPathTableTests
{
    [Fact]
    public void Every_path_is_found_again_and_listed_once()
    {
        var table = new PartitionedPathTable<string, int>();
        var paths = Enumerable.Range(0, 5000).Select(i => $"env.L{i % 8}_VAR_{i}").Append("").Append("packages[libx-dev]").ToList();
        for (var i = 0; i < paths.Count; i++)
        {
            table[paths[i]] = i;
        }

        table["env.L0_VAR_0"] = -1; // overwrite, not a second entry

        Assert.Equal(paths.Count, table.Count);
        Assert.Equal(paths.Order(StringComparer.Ordinal), table.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(-1, table["env.L0_VAR_0"]);
        Assert.True(table.TryGetValue("packages[libx-dev]", out var value) && value == paths.Count - 1);
        Assert.True(table.ContainsKey(""));
        Assert.False(table.TryGetValue("env.missing", out _));
        Assert.Equal(table.Count, table.Select(pair => pair.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(table.Values.Order(), table.Select(pair => pair.Value).Order());
    }
}
