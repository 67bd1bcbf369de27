using Vse.Runtime.Host;

namespace Vse.Runtime.Tests.Host;

public sealed class CriuTests
{
    [Fact]
    public void A_failed_check_names_its_first_error_the_cause_and_its_last_the_consequence()
    {
        const string output = """
            Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds
            Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable
            Error (criu/crtools.c:260): Could not initialize kernel features detection.
            """;

        Assert.Equal("vdso: Unexpected rt vDSO area bounds ... Could not initialize kernel features detection.", Criu.Summary(output, 1));
    }

    [Fact]
    public void A_failure_without_error_lines_gives_the_exit_code()
    {
        Assert.Equal("exit code 1", Criu.Summary("Warn: something\n", 1));
        Assert.Equal("only this", Criu.Summary("Error (a.c:1): only this\n", 1));
    }
}
