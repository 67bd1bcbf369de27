using Vse.Deploy.Preparation;

namespace Vse.Cli.Output;

/// <summary>How the commands show what preparing a deployment or a build finds: diagnostics, step progress, warnings.</summary>
internal static class PreparationReports
{
    /// <summary>Everything on stderr (deploy, run, submit: their stdout is the deployment id or the command's output).</summary>
    public static PreparationReport ToStandardError(CliEnvironment environment) =>
        new(diagnostics => DiagnosticPrinter.Print(diagnostics, environment, Console.Error),
            new BuildProgressPrinter(Console.Error, verbose: false),
            Warning);

    /// <summary>One warning line on stderr.</summary>
    public static void Warning(string warning) => Console.Error.WriteLine($"vse: warning: {warning}");
}
