using Vse.Runtime.Oci;

namespace Vse.Runtime.Tests.Oci;

public sealed class RuntimeLogTests
{
    [Fact]
    public void TheLastErrorEntryIsTheAnswer()
    {
        const string log = """
            {"level":"warning","msg":"ignored","time":"2026-11-25T18:10:46Z"}
            {"level":"error","msg":"exec failed: container does not exist","time":"2026-11-25T18:10:46Z"}
            """;

        Assert.Equal("exec failed: container does not exist", RuntimeLog.LastError(log));
    }

    [Fact]
    public void NoErrorEntryMeansTheRuntimeDidNotFail() =>
        Assert.Null(RuntimeLog.LastError("{\"level\":\"info\",\"msg\":\"x\"}\nnot json\n"));
}
