using Vse.Deploy.Testing;

namespace Vse.Deploy.Tests.Testing;

/// <summary>The JUnit XML of a matrix's results: counts, one testcase per cell, failures, errors and output.</summary>
public sealed class JUnitReportTests
{
    private static readonly TestMatrix Matrix = new("/m.yaml", "suite", "true", [("/a.vse.yaml", "a.vse.yaml")], [null], ["sandbox"], [1, 2, 3]);

    [Fact]
    public void Passed_failed_and_errored_cells_are_testcases_with_failure_and_error_elements()
    {
        var cells = Matrix.Cells;
        var report = JUnitReport.Of(Matrix, [
            new CellResult(cells[0], CellOutcome.Passed, 0, TimeSpan.FromSeconds(1.5), "ok\n"),
            new CellResult(cells[1], CellOutcome.Failed, 3, TimeSpan.FromSeconds(2), "bad \u0001 output\n", "abc123"),
            new CellResult(cells[2], CellOutcome.Error, null, TimeSpan.Zero, "a.vse.yaml:1:1: error: no\nmore"),
        ], DateTimeOffset.UnixEpoch);

        var suite = report.Root!.Element("testsuite")!;
        Assert.Equal(("suite", "3", "1", "1", "3.500"), ((string)suite.Attribute("name")!, (string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!, (string)suite.Attribute("errors")!, (string)suite.Attribute("time")!));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(["a.vse.yaml sandbox x1", "a.vse.yaml sandbox x2", "a.vse.yaml sandbox x3"], cases.Select(c => (string)c.Attribute("name")!));
        Assert.Null(cases[0].Element("failure"));
        Assert.Equal("ok\n", (string)cases[0].Element("system-out")!);
        Assert.Equal("exit code 3; deployment abc123 kept", (string)cases[1].Element("failure")!.Attribute("message")!);
        // A control character a command printed cannot stand in XML 1.0.
        Assert.Equal("bad \uFFFD output\n", (string)cases[1].Element("system-out")!);
        Assert.Equal("a.vse.yaml:1:1: error: no", (string)cases[2].Element("error")!.Attribute("message")!);
        // The document round-trips through an XML parser.
        Assert.Equal(3, System.Xml.Linq.XDocument.Parse(report.ToString()).Descendants("testcase").Count());
    }
}
