using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Preparation;
using Vse.Deploy.Slurm;

namespace Vse.Cli.Commands;

/// <summary><c>vse gc</c>: remove layers no configuration references, what interrupted builds and one-shot runs left, cache entries that can no longer hit, and what Slurm image staging left that no deployment needs.</summary>
internal static class GcCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("gc", "Remove unreferenced layers (and their cached push blobs), leftovers of interrupted builds and one-shot runs, cache entries that can no longer be used (resolved descriptions, remembered builds, file digests, other versions' launcher filters), and unneeded Slurm broadcast exports and node images");
        command.SetAction(async (_, cancellationToken) =>
        {
            if (await BuildNamespaceEntry.RunInsideAsync(environment, cancellationToken) is { } inside)
            {
                return inside;
            }

            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var collected = await LayerCollector.CollectAsync(workspace, cancellationToken);
            Console.Out.WriteLine($"removed {collected.Layers} layers, {collected.LayerBlobs} pushed layer blobs and {collected.Temporaries} leftovers, freed {Sizes.Bytes(collected.Bytes)}");
            var pruned = await CacheCollector.CollectAsync(workspace, environment.ResolveCache(), DateTimeOffset.UtcNow, cancellationToken);
            Console.Out.WriteLine(
                $"pruned {pruned.ResolvedDescriptions} resolved descriptions, {pruned.RememberedBuilds} remembered builds, {pruned.FileDigests} file digests and {pruned.LauncherFilters} launcher filters that could no longer be used");

            // Image staging for Slurm: this host's exports, and the node data directories VSE_NODE_HOME
            // names (only when set: on a node, `srun ... env VSE_NODE_HOME=/tmp/vse-node vse gc`).
            var nodeHomeRoot = environment.Variables.ContainsKey(NodeShare.NodeHomeVariable) ? NodeShare.NodeHomeRoot(environment.Variables) : null;
            if (nodeHomeRoot is not null || Directory.Exists(BroadcastExport.Directory(workspace.Home.Root)))
            {
                var staged = await StagingCollector.CollectAsync(workspace.Home.Root, nodeHomeRoot, cancellationToken);
                Console.Out.WriteLine(
                    $"removed {staged.Exports} broadcast exports, {staged.NodeImages} node images and {staged.BroadcastFiles} broadcast files, freed {Sizes.Bytes(staged.Bytes)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
