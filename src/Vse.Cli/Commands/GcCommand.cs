using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Preparation;

namespace Vse.Cli.Commands;

/// <summary><c>vse gc</c>: remove layers no configuration references, and what interrupted builds left.</summary>
internal static class GcCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("gc", "Remove unreferenced layers and leftovers of interrupted builds");
        command.SetAction(async (_, cancellationToken) =>
        {
            if (await BuildNamespaceEntry.RunInsideAsync(environment, cancellationToken) is { } inside)
            {
                return inside;
            }

            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var collected = await LayerCollector.CollectAsync(workspace, cancellationToken);
            Console.Out.WriteLine($"removed {collected.Layers} layers and {collected.Temporaries} leftovers, freed {Sizes.Bytes(collected.Bytes)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
