using System.CommandLine;
using Vse.Deploy;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse checkpoint DEP [--directory DIR]</c> and <c>vse restore DEP [--directory DIR]</c>: save
/// every instance's processes (the deployment goes on running) and bring them back from there.
/// </summary>
internal static class CheckpointRestoreCommands
{
    public static Command Checkpoint(CliEnvironment environment)
    {
        var (reference, directory) = Arguments("Where to write the checkpoints, one subdirectory per instance (default: each instance's state directory)");
        var command = new Command("checkpoint", "Save the processes of every instance of a deployment with CRIU; the deployment keeps running") { reference, directory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var deployment = await workspace.Deployments.GetAsync(parse.GetValue(reference)!, cancellationToken);
            var written = await Checkpoints(workspace).CheckpointAsync(deployment, FullPath(environment, parse.GetValue(directory)), cancellationToken);
            foreach (var path in written)
            {
                await Console.Out.WriteLineAsync(environment.Display(path));
            }

            await Console.Out.WriteLineAsync($"checkpointed {deployment.Id} ({written.Count} instance(s)); it keeps running");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Restore(CliEnvironment environment)
    {
        var (reference, directory) = Arguments("The directory given to 'vse checkpoint --directory' (default: each instance's state directory)");
        var command = new Command("restore", "Replace the processes of every instance of a deployment by those of its checkpoint") { reference, directory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var deployment = await workspace.Deployments.GetAsync(parse.GetValue(reference)!, cancellationToken);
            await Checkpoints(workspace).RestoreAsync(deployment, FullPath(environment, parse.GetValue(directory)), cancellationToken);
            await Console.Out.WriteLineAsync($"restored {deployment.Id} ({deployment.Instances.Count} instance(s)) from its checkpoint");
            return ExitCodes.Success;
        });
        return command;
    }

    private static (Argument<string> Reference, Option<string?> Directory) Arguments(string directoryDescription) =>
        (new Argument<string>("DEP") { Description = "A deployment id (or unique prefix, or name)" },
         new Option<string?>("--directory", "-d") { Description = directoryDescription });

    private static Checkpoints Checkpoints(Workspace workspace) => new(workspace.Deployments, workspace.Instances);

    private static string? FullPath(CliEnvironment environment, string? path) =>
        path is null ? null : Path.GetFullPath(path, environment.WorkingDirectory);
}
