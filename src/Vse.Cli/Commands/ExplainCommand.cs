using System.CommandLine;
using Vse.Cli.Output;
using Vse.Description;
using Vse.Description.Provenance;

namespace Vse.Cli.Commands;

/// <summary><c>vse explain FILE [PATH]</c>: for each value, the chain of layers that set, changed or removed it.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = CommonOptions.File();
        var path = new Argument<string?>("PATH") { Arity = ArgumentArity.ZeroOrOne, Description = "Only values at or below this path (e.g. boot.cmdline, packages, files[src])" };
        var target = CommonOptions.Target();
        var command = new Command("explain", "Show where every resolved value came from (layer, file:line)") { file, path, target };
        command.SetAction(parse =>
        {
            var result = DescriptionResolver.Resolve(parse.GetValue(file)!, environment.ResolveOptions(parse.GetValue(target)));
            DiagnosticPrinter.Print(result.Diagnostics, environment, Console.Error);
            if (result.Description is not { } resolved)
            {
                return DiagnosticPrinter.ExitCodeFor(result.Diagnostics);
            }

            var prefix = parse.GetValue(path) ?? "";
            var paths = resolved.Provenance.PathsUnder(prefix).ToList();
            if (paths.Count == 0)
            {
                Console.Error.WriteLine($"vse: error: no value at '{prefix}' in {parse.GetValue(file)}");
                return ExitCodes.InvalidInput;
            }

            foreach (var valuePath in paths)
            {
                Write(valuePath, resolved.Provenance.For(valuePath), environment);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(string path, IReadOnlyList<ProvenanceEvent> events, CliEnvironment environment)
    {
        var final = events[^1];
        var state = final.Action == ProvenanceAction.Removed ? "  (removed)" : final.Value is { } value ? $" = {YamlText.Format(value)}" : "";
        Console.Out.WriteLine($"{path}{state}");
        var layerWidth = events.Max(e => e.Layer.Length);
        foreach (var e in events)
        {
            var location = e.Location with { File = environment.DisplaySource(e.Location.File) };
            var shown = e.Value is null || e.Action == ProvenanceAction.Removed ? "" : $"  {YamlText.Format(e.Value)}";
            Console.Out.WriteLine($"  {e.Action.ToString().ToLowerInvariant(),-8} {e.Layer.PadRight(layerWidth)}  {location}{shown}");
        }
    }
}
