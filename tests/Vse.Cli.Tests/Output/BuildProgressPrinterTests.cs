using Vse.Build;
using Vse.Cli.Output;

namespace Vse.Cli.Tests.Output;

/// <summary>How a build's progress is printed where the output is no terminal (CI logs, pipes).</summary>
public sealed class BuildProgressPrinterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_warning_is_printed_on_a_line_of_its_own_verbose_or_not(bool verbose)
    {
        using var output = new StringWriter();
        var printer = new BuildProgressPrinter(output, verbose);

        printer.Report(new BuildEvent(BuildEventKind.Started, 3, 4, "run make install"));
        printer.Report(new BuildEvent(BuildEventKind.Output, 3, 4, "run make install", TimeSpan.FromSeconds(1), "compiling"));
        printer.Report(new BuildEvent(BuildEventKind.Warning, 3, 4, "run make install", TimeSpan.FromSeconds(2), "the step's VM did not power off"));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("[3/4] run make install  warning: the step's VM did not power off", lines[^1]);
        Assert.Equal(verbose, lines.Contains("    compiling"));
    }
}
