using System.CommandLine;
using System.Globalization;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Slurm;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse ps</c>: every deployment's instances, including ones a crash left half-made, and
/// instances whose init has ended behind vse's back (<c>exited</c>).
/// </summary>
internal static class PsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("ps", "List deployments and their instances");
        command.SetAction(async (_, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var deployments = await workspace.Deployments.ListAsync(cancellationToken);
            Table.Write(Console.Out, ["DEPLOYMENT", "NAME", "DRIVER", "INSTANCE", "HOSTNAME", "STATE", "PID"], deployments.SelectMany(d => d.Instances.Select(i => (IReadOnlyList<string>)
            [
                d.Id, d.Record.Name, d.Record.Driver, i.Index.ToString(CultureInfo.InvariantCulture), i.Hostname,
                DeploymentManager.ObservedState(d, i), DeploymentManager.ObservedPid(d, i)?.ToString(CultureInfo.InvariantCulture) ?? "-",
            ])));
            await WriteSubmittedAsync(workspace, cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Deployments submitted to Slurm (their job directories), one row per instance with its node,
    /// after the local ones; nothing when there are none. The state is what the job directory says:
    /// starting (its node has not reported it), ready, or ended (the command's exit code).
    /// </summary>
    private static async Task WriteSubmittedAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var submitted = (await SubmittedDeployment.ListAsync(workspace.Home.Root, cancellationToken)).Where(d => d.JobId is not null).ToList();
        if (submitted.Count == 0)
        {
            return;
        }

        Console.Out.WriteLine();
        Table.Write(Console.Out, ["DEPLOYMENT", "NAME", "SLURM JOB", "INSTANCE", "HOSTNAME", "NODE", "STATE"], submitted.SelectMany(d => d.Job.Hostnames().Select((hostname, index) =>
        {
            var node = d.Nodes.FirstOrDefault(n => n.Hostnames.Contains(hostname));
            var state = d.Done ? (d.ExitCode is { } code ? $"ended ({code.ToString(CultureInfo.InvariantCulture)})" : "ended")
                : node is not null && d.ReadyNodes.Contains(node.Node) ? "ready" : "starting";
            return (IReadOnlyList<string>)
            [
                d.Id, d.Name, d.JobId!.Value.ToString(CultureInfo.InvariantCulture), index.ToString(CultureInfo.InvariantCulture), hostname, node?.Node ?? "-", state,
            ];
        })));
    }
}
