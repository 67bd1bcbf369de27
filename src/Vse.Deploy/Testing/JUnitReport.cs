using System.Globalization;
using System.Xml.Linq;

namespace Vse.Deploy.Testing;

/// <summary>
/// A matrix's results as JUnit XML, the form CI systems (GitLab, Jenkins, GitHub actions'
/// reporters) read: one <c>testsuite</c> per matrix, one <c>testcase</c> per cell
/// (<c>classname</c> the description, <c>name</c> the whole cell), a <c>failure</c> for a
/// command that exited non-zero, an <c>error</c> for a cell whose command never ran, and the
/// command's output in <c>system-out</c>.
/// </summary>
public static class JUnitReport
{
    public static XDocument Of(TestMatrix matrix, IReadOnlyList<CellResult> results, DateTimeOffset started)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(results);
        var suite = new XElement("testsuite",
            new XAttribute("name", matrix.Name),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", results.Count(r => r.Outcome == CellOutcome.Failed)),
            new XAttribute("errors", results.Count(r => r.Outcome == CellOutcome.Error)),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(TimeSpan.FromTicks(results.Sum(r => r.Duration.Ticks)))),
            new XAttribute("timestamp", started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XAttribute("hostname", Environment.MachineName),
            results.Select(Case));
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), new XElement("testsuites", suite));
    }

    private static XElement Case(CellResult result)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", result.Cell.DescriptionName),
            new XAttribute("name", result.Cell.Name),
            new XAttribute("time", Seconds(result.Duration)));
        switch (result.Outcome)
        {
            case CellOutcome.Failed:
                element.Add(new XElement("failure",
                    new XAttribute("message", $"exit code {result.ExitCode}" + (result.KeptDeployment is { } id ? $"; deployment {id} kept" : "")),
                    new XAttribute("type", "ExitCode")));
                break;
            case CellOutcome.Error:
                element.Add(new XElement("error", new XAttribute("message", FirstLine(result.Output)), new XAttribute("type", "NotRun"), Clean(result.Output)));
                return element;
        }

        element.Add(new XElement("system-out", Clean(result.Output)));
        return element;
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string FirstLine(string text) => text.Split('\n', 2)[0];

    /// <summary>XML 1.0 cannot hold most control characters a command may print; they become U+FFFD.</summary>
    private static string Clean(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is '\t' or '\n' or '\r' || (c >= 0x20 && !char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF')) || (char.IsSurrogate(c) && IsPaired(source, i)) ? c : '\uFFFD';
            }
        });

    private static bool IsPaired(string text, int i) =>
        char.IsHighSurrogate(text[i]) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) : i > 0 && char.IsHighSurrogate(text[i - 1]);
}
