using System.CommandLine;
using System.Globalization;
using Vse.Cli.Output;
using Vse.Deploy;

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
            var workspace = await Workspace.OpenAsync(environment, cancellationToken);
            var deployments = await workspace.Deployments.ListAsync(cancellationToken);
            Table.Write(Console.Out, ["DEPLOYMENT", "NAME", "DRIVER", "INSTANCE", "HOSTNAME", "STATE", "PID"], deployments.SelectMany(d => d.Instances.Select(i => (IReadOnlyList<string>)
            [
                d.Id, d.Record.Name, d.Record.Driver, i.Index.ToString(CultureInfo.InvariantCulture), i.Hostname,
                DeploymentManager.ObservedState(d, i), i.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
            ])));
            return ExitCodes.Success;
        });
        return command;
    }
}
