using System.CommandLine;
using Vse.Cli.Output;
using Vse.Description;

namespace Vse.Cli.Commands;

/// <summary><c>vse resolve FILE [--target T] [--json] [--provenance]</c>.</summary>
internal static class ResolveCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = CommonOptions.File();
        var target = CommonOptions.Target();
        var json = new Option<bool>("--json") { Description = "Print canonical JSON (sorted keys and sets, lineage, digest)" };
        var provenance = new Option<bool>("--provenance") { Description = "Annotate each value with the layer and file:line that last set it" };
        var command = new Command("resolve", "Print the resolved description: every layer merged, directives gone") { file, target, json, provenance };
        command.SetAction(parse =>
        {
            var result = environment.Resolve(parse.GetValue(file)!, parse.GetValue(target), CancellationToken.None);
            DiagnosticPrinter.Print(result.Diagnostics, environment, Console.Error);
            if (result.Description is not { } resolved)
            {
                return DiagnosticPrinter.ExitCodeFor(result.Diagnostics);
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(resolved.ToCanonicalJson());
            }
            else
            {
                new ResolvedWriter(Console.Out, environment, parse.GetValue(provenance) ? resolved.Provenance : null).Write(resolved);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
