using System.CommandLine;
using Vse.Deploy;

namespace Vse.Cli.Commands;

/// <summary><c>vse logs DEP[/INDEX]</c>: what the instances' init and services wrote (a VM's serial console).</summary>
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
