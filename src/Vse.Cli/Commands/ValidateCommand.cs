using System.CommandLine;
using Vse.Cli.Output;
using Vse.Description;
using Vse.Description.Diagnostics;

namespace Vse.Cli.Commands;

/// <summary><c>vse validate FILE…</c>: syntax, schema, lookup, merge and policy, all problems at once.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Description files to check" };
        var target = CommonOptions.Target();
        var command = new Command("validate", "Check descriptions: syntax, schema, lookup, merge and site policy") { files, target };
        command.SetAction(parse =>
        {
            var diagnostics = new List<Diagnostic>();
            foreach (var file in parse.GetValue(files)!)
            {
                var result = DescriptionResolver.Resolve(file, environment.ResolveOptions(parse.GetValue(target)));
                diagnostics.AddRange(result.Diagnostics);
                if (result.Succeeded)
                {
                    Console.Out.WriteLine($"{file}: ok ({result.Description!.Digest})");
                }
            }

            DiagnosticPrinter.Print(diagnostics, environment, Console.Error);
            return DiagnosticPrinter.ExitCodeFor(diagnostics);
        });
        return command;
    }
}
