using Vse.Description.Diagnostics;

namespace Vse.Cli.Output;

/// <summary>Prints diagnostics one line each on stderr and decides the exit code they call for.</summary>
public static class DiagnosticPrinter
{
    public static void Print(IEnumerable<Diagnostic> diagnostics, CliEnvironment environment, TextWriter error)
    {
        foreach (var diagnostic in diagnostics)
        {
            var shown = diagnostic with { Location = diagnostic.Location with { File = environment.Display(diagnostic.Location.File) } };
            error.WriteLine(OneLine(shown.ToString()));
        }
    }

    /// <summary>2 for any input error, else 3 for a policy violation, else 0 (DESIGN §2.4).</summary>
    public static int ExitCodeFor(IReadOnlyList<Diagnostic> diagnostics) =>
        diagnostics.Any(d => d.IsError && d.Kind == DiagnosticKind.Input) ? ExitCodes.InvalidInput
        : diagnostics.Any(d => d.IsError) ? ExitCodes.PolicyViolation
        : ExitCodes.Success;

    // A value quoted in a message may hold a newline; the contract is one line per problem.
    private static string OneLine(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
