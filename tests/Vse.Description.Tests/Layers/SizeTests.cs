using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Layers;

public sealed class SizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("512", 512L)]
    [InlineData("1K", 1_000L)]
    [InlineData("1M", 1_000_000L)]
    [InlineData("1G", 1_000_000_000L)]
    [InlineData("1T", 1_000_000_000_000L)]
    [InlineData("1Ki", 1024L)]
    [InlineData("1Mi", 1024L * 1024)]
    [InlineData("1Gi", 1024L * 1024 * 1024)]
    [InlineData("1Ti", 1024L * 1024 * 1024 * 1024)]
    [InlineData("1024Mi", 1024L * 1024 * 1024)]
    [InlineData("8Gi", 8L * 1024 * 1024 * 1024)]
    [InlineData("512M", 512_000_000L)]
    [InlineData("1.5Gi", 1_610_612_736L)]
    [InlineData("0.5K", 500L)]
    [InlineData("2.5Ki", 2560L)]
    [InlineData(" 8 Gi ", 8L * 1024 * 1024 * 1024)]
    [InlineData("9007199254740992", 1L << 53)]
    public void A_size_is_bytes_with_decimal_or_binary_units(string text, long expected)
    {
        Assert.True(SizeParser.TryParse(text, out var bytes, out var error), error);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("1.5")] // not a whole number of bytes
    [InlineData("1.0001K")]
    [InlineData("8GB")]
    [InlineData("8gi")]
    [InlineData("8k")]
    [InlineData("8KiB")]
    [InlineData("lots")]
    [InlineData("")]
    [InlineData("Gi")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e9")]
    [InlineData("1,5K")]
    [InlineData("0x10")]
    [InlineData("9007199254740993")] // above 2^53
    [InlineData("9Pi")]
    [InlineData("9000Ti")]
    public void Anything_else_is_not_a_size(string text)
    {
        Assert.False(SizeParser.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Resolved_sizes_are_integer_bytes_so_equal_sizes_give_equal_digests()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("gi", "vse: 1\nname: app\nresources: {memory: 1Gi, disk: 1T}\n");
        ws.Write("mi", "vse: 1\nname: app\nresources: {memory: 1024Mi, disk: \"1000G\"}\n");
        ws.Write("bytes", "vse: 1\nname: app\nresources: {memory: 1073741824, disk: 1000000000000}\n");

        var gi = ws.ResolveOk("gi");

        Assert.Equal(1L << 30, Int(gi.Content, "resources.memory"));
        Assert.Equal(gi.Digest, ws.ResolveOk("mi").Digest);
        Assert.Equal(gi.Digest, ws.ResolveOk("bytes").Digest);
    }

    [Fact]
    public void A_fractional_binary_size_is_accepted_when_it_is_whole_bytes()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nresources: {memory: 1.5Gi}\n");

        Assert.Equal(1_610_612_736L, Int(ws.ResolveOk("app").Content, "resources.memory"));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("8GB")]
    [InlineData("lots")]
    public void A_size_that_is_not_whole_bytes_or_not_a_size_is_refused_at_the_value(string size)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", $"vse: 1\nname: app\nresources:\n  memory: {size}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidSize);

        At(error, path, 4, 11);
        Assert.Contains("resources.memory", error.Message, StringComparison.Ordinal);
    }
}
