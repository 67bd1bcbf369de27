using System.CommandLine;
using System.Globalization;
using System.Xml;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Testing;
using Vse.Description.Diagnostics;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse test MATRIX.yaml [--junit FILE] [--keep-failed] [--jobs N]</c>: one command over a
/// matrix of descriptions x targets x drivers x instance counts (docs/testing.md). Exit code:
/// 0 when every cell passed, 1 when a command failed, 4 when a cell could not run at all.
/// </summary>
internal static class TestCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = new Argument<string>("MATRIX") { Description = "A test matrix file (docs/testing.md)" };
        var junit = new Option<string>("--junit") { Description = "Also write the results as JUnit XML to FILE", HelpName = "FILE" };
        var keepFailed = new Option<bool>("--keep-failed") { Description = "Leave a failed cell's deployment up for inspection (its id is printed)" };
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = $"Cells run at once (default: one per core, {MatrixRunner.DefaultJobs} here)",
            HelpName = "N",
            DefaultValueFactory = _ => MatrixRunner.DefaultJobs,
        };
        var command = new Command("test", "Run one test command over a matrix of descriptions, targets, drivers and instance counts; a summary table and JUnit XML")
        {
            file, junit, keepFailed, jobs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(jobs) < 1)
            {
                await Console.Error.WriteLineAsync("vse: error: --jobs must be at least 1");
                return ExitCodes.InvalidInput;
            }

            var diagnostics = new DiagnosticBag();
            var matrix = MatrixReader.Read(parse.GetValue(file)!, diagnostics);
            DiagnosticPrinter.Print(diagnostics.Items, environment, Console.Error);
            if (matrix is null)
            {
                return DiagnosticPrinter.ExitCodeFor(diagnostics.Items);
            }

            var cells = matrix.Cells.Count;
            Console.Out.WriteLine($"{matrix.Name}: {cells} cells, {Math.Min(cells, parse.GetValue(jobs))} at a time");
            var started = DateTimeOffset.UtcNow;
            var done = 0;
            var runner = new MatrixRunner(environment.ResolveOptions, ct => Workspace.OpenAsync(environment.Variables, ct));
            var results = await runner.RunAsync(matrix, parse.GetValue(jobs), parse.GetValue(keepFailed), result =>
            {
                var line = $"[{Interlocked.Increment(ref done)}/{cells}] {result.Cell.Name}  {Word(result.Outcome)} {Sizes.Duration(result.Duration)}";
                lock (Console.Out)
                {
                    Console.Out.WriteLine(line);
                    if (result.KeptDeployment is { } id)
                    {
                        Console.Out.WriteLine($"kept deployment {id} ({result.Cell.Name}): vse exec {id} -- ..., then vse cleanup {id}");
                    }
                }
            }, cancellationToken);

            Console.Out.WriteLine();
            Table.Write(Console.Out, ["CELL", "RESULT", "EXIT", "TIME", "KEPT"], results.Select(r => (IReadOnlyList<string>)
            [
                r.Cell.Name, Word(r.Outcome), r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-", Sizes.Duration(r.Duration), r.KeptDeployment ?? "",
            ]));
            foreach (var failed in results.Where(r => r.Outcome != CellOutcome.Passed))
            {
                Console.Out.WriteLine($"--- {failed.Cell.Name}: {Word(failed.Outcome)}");
                Console.Out.Write(failed.Output.EndsWith('\n') || failed.Output.Length == 0 ? failed.Output : failed.Output + "\n");
            }

            var (passed, failedCount, errors) = (results.Count(r => r.Outcome == CellOutcome.Passed), results.Count(r => r.Outcome == CellOutcome.Failed), results.Count(r => r.Outcome == CellOutcome.Error));
            Console.Out.WriteLine($"{passed} passed, {failedCount} failed, {errors} errors");
            if (parse.GetValue(junit) is { } junitFile)
            {
                await using var stream = File.Create(junitFile);
                await using var writer = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, Async = true });
                await JUnitReport.Of(matrix, results, started).SaveAsync(writer, cancellationToken);
            }

            return errors > 0 ? ExitCodes.InfrastructureFailure : failedCount > 0 ? ExitCodes.CommandFailed : ExitCodes.Success;
        });
        return command;
    }

    private static string Word(CellOutcome outcome) => outcome switch
    {
        CellOutcome.Passed => "passed",
        CellOutcome.Failed => "FAILED",
        _ => "ERROR",
    };
}
