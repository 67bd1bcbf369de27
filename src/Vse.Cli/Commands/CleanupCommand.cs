using System.CommandLine;

namespace Vse.Cli.Commands;

/// <summary><c>vse cleanup DEP</c>: stop and remove a deployment's instances and their writable state.</summary>
internal static class CleanupCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var reference = new Argument<string>("DEP") { Description = "A deployment id (or unique prefix, or name)" };
        var command = new Command("cleanup", "Stop a deployment and remove its instances and their writable state") { reference };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment, cancellationToken);
            var deployment = await workspace.Deployments.GetAsync(parse.GetValue(reference)!, cancellationToken);
            await workspace.Instances.CleanupAsync(deployment.Id, cancellationToken);
            Console.Out.WriteLine($"cleaned up {deployment.Id} ({deployment.Instances.Count} instance(s))");
            return ExitCodes.Success;
        });
        return command;
    }
}
