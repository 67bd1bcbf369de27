using System.CommandLine;
using Vse.Deploy;
using Vse.Deploy.Slurm;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse cleanup DEP</c>: stop and remove a deployment's instances and their writable state. For a
/// deployment submitted to Slurm (its full id), the job is cancelled and every node removes its own
/// instances (docs/slurm.md).
/// </summary>
internal static class CleanupCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var reference = new Argument<string>("DEP") { Description = "A deployment id (or unique prefix, or name)" };
        var command = new Command("cleanup", "Stop a deployment and remove its instances and their writable state") { reference };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            if (await SubmittedDeployment.FindAsync(workspace.Home.Root, parse.GetValue(reference)!, cancellationToken) is { } submitted)
            {
                await SlurmCleanup.CleanupAsync(submitted, cancellationToken);
                Console.Out.WriteLine($"cleaned up {submitted.Id} ({submitted.Job.Instances} instance(s) on {submitted.Job.Nodes} Slurm node(s){(submitted.JobId is { } job ? $", job {job}" : "")})");
                return ExitCodes.Success;
            }

            var deployment = await workspace.Deployments.GetAsync(parse.GetValue(reference)!, cancellationToken);
            await workspace.Instances.CleanupAsync(deployment.Id, cancellationToken);
            Console.Out.WriteLine($"cleaned up {deployment.Id} ({deployment.Instances.Count} instance(s))");
            return ExitCodes.Success;
        });
        return command;
    }
}
