using Vse.State.Configurations;

namespace Vse.State.Tests.Support;

/// <summary>Record equality that also compares list members (records compare lists by reference).</summary>
public static class Same
{
    public static void Configuration(ConfigurationRecord expected, ConfigurationRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.LayerKeys, actual.LayerKeys);
        Assert.Equal(expected, actual with { LayerKeys = expected.LayerKeys });
    }
}
