using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Preparation;

namespace Vse.Cli.Commands;

/// <summary><c>vse destroy CONFIG</c>: remove a built configuration and the layers only it used.</summary>
internal static class DestroyCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var reference = new Argument<string>("CONFIG") { Description = "A configuration id (or unique prefix), name or digest, as `vse images` shows" };
        var command = new Command("destroy", "Remove a built configuration and the layers no other configuration uses") { reference };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await BuildNamespaceEntry.RunInsideAsync(environment, cancellationToken) is { } inside)
            {
                return inside;
            }

            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var configuration = await workspace.Configurations.GetAsync(parse.GetValue(reference)!, cancellationToken);
            await workspace.Configurations.DeleteAsync(configuration.Id, cancellationToken);
            // The disk VM instances booted from (exported from this configuration), if any.
            new Vse.Runtime.Vm.VmDisks(workspace.Home.VirtualMachines).DeleteBase(configuration.RootfsPath);
            var collected = await LayerCollector.CollectAsync(workspace, cancellationToken);
            Console.Out.WriteLine($"destroyed {configuration.Name} ({configuration.Id}): {collected.Layers} layers removed, {Sizes.Bytes(collected.Bytes)} freed");
            return ExitCodes.Success;
        });
        return command;
    }
}
