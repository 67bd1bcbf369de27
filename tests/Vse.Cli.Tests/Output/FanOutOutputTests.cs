using System.Text;
using Vse.Cli.Output;

namespace Vse.Cli.Tests.Output;

/// <summary>How the output of many instances is shown: prefixed line by line, or folded.</summary>
public sealed class FanOutOutputTests
{
    [Theory]
    [InlineData("app-0,app-1,app-2,app-3,app-7", "app-[0-3,7]")]
    [InlineData("app-5", "app-5")]
    [InlineData("app-10,app-9,app-11", "app-[9-11]")]
    [InlineData("login,app-0,app-1", "login,app-[0-1]")]
    [InlineData("a-x-1,a-x-2,b-1", "a-x-[1-2],b-1")]
    public void HostsFoldIntoRanges(string hosts, string expected) =>
        Assert.Equal(expected, GroupedOutput.HostRanges(hosts.Split(',')));

    [Fact]
    public async Task IdenticalOutputsArePrintedOnceUnderTheirHosts()
    {
        var output = new StringWriter { NewLine = "\n" };
        await GroupedOutput.WriteAsync(output,
        [
            ("n-0", "same\n"u8.ToArray()),
            ("n-2", "other"u8.ToArray()),
            ("n-1", "same\n"u8.ToArray()),
        ], CancellationToken.None);

        Assert.Equal("-------\nn-[0-1] (2)\n-------\nsame\n---\nn-2 (1)\n---\nother\n", output.ToString());
    }

    [Fact]
    public async Task LinesOfSeveralWritersNeverInterleaveInsideALine()
    {
        using var shared = new MemoryStream();
        using var sharedLock = new SemaphoreSlim(1);
        var a = new PrefixedLineStream(shared, sharedLock, "a: ");
        var b = new PrefixedLineStream(shared, sharedLock, "b: ");

        await a.WriteAsync("one "u8.ToArray());
        await b.WriteAsync("first\nsec"u8.ToArray());
        await a.WriteAsync("line\ntwo\nunfinished"u8.ToArray());
        await b.WriteAsync("ond\n"u8.ToArray());
        await a.FlushAsync();
        await b.FlushAsync();

        Assert.Equal("b: first\na: one line\na: two\nb: second\na: unfinished\n", Encoding.UTF8.GetString(shared.ToArray()));
    }
}
