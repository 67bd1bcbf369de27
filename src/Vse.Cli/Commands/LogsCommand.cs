using System.CommandLine;
using Vse.Deploy;
using Vse.Deploy.Slurm;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse logs DEP[/INDEX]</c>: what the instances' init and services wrote (a VM's serial console);
/// for a deployment across Slurm nodes, read on each node by its vse through an srun step.
/// </summary>
internal static class LogsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var target = new Argument<string>("DEP[/INDEX]") { Description = "A deployment id (or unique prefix, or name), optionally /INDEX for one instance" };
        var command = new Command("logs", "Print the output of a deployment's init and services, per instance") { target };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (reference, index) = InstanceReference.Parse(parse.GetValue(target)!);
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            if (await SubmittedDeployment.FindAsync(workspace.Home.Root, reference, cancellationToken) is { } submitted)
            {
                // On the instances' nodes, by srun steps into the deployment's job (docs/slurm.md).
                var vse = SubmitCommand.VseCommandLine();
                if (index is { } one)
                {
                    var (arguments, nodeHome) = SlurmRemoteExec.PlanInstance(submitted, one, vse, local => ["logs", local]);
                    return await SlurmSteps.RunAsync(arguments, nodeHome, cancellationToken);
                }

                return await SlurmSteps.RunPerNodeAsync(submitted, SlurmRemoteExec.PlanNodes(submitted, vse, local => ["logs", local]), cancellationToken);
            }

            var deployment = await workspace.Deployments.GetAsync(reference, cancellationToken);
            foreach (var instance in deployment.Instances.Where(i => index is null || i.Index == index))
            {
                var log = DeploymentManager.LogOf(deployment, instance);
                var content = File.Exists(log) ? await File.ReadAllLinesAsync(log, cancellationToken) : [];
                foreach (var line in content)
                {
                    await Console.Out.WriteLineAsync(deployment.Instances.Count > 1 ? $"{instance.Hostname}: {line}" : line);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
