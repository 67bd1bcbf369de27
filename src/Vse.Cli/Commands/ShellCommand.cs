using System.CommandLine;
using Vse.Deploy;
using Vse.Deploy.Online;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse shell DEP[/INDEX]</c>: an interactive login shell in one instance (docs/online.md). On a
/// terminal the shell gets one of its own where the driver can give it (sandboxes); a VM's shell
/// reads from pipes but still prompts. Without a terminal it reads commands from standard input.
/// </summary>
internal static class ShellCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var target = new Argument<string>("DEP[/INDEX]") { Description = "A deployment id (or unique prefix, or name), optionally /INDEX (default: instance 0)" };
        var command = new Command("shell", "Start a login shell (bash, else /bin/sh) in an instance, with the description's environment; the exit code is the shell's") { target };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var (deployment, instance) = await InstanceReference.OneAsync(workspace, parse.GetValue(target)!, cancellationToken);
            var typed = !Console.IsInputRedirected;
            var terminal = typed && (await workspace.Instances.CapabilitiesAsync(deployment, cancellationToken)).Terminal;
            if (typed && !terminal)
            {
                await Console.Error.WriteLineAsync($"vse: note: {deployment.Record.Driver} instances give no terminal: the shell reads lines, without job control or line editing");
            }

            return await workspace.Instances.ExecAsync(deployment, instance.Index, InstanceShell.Request(
                terminal,
                interactive: typed,
                Environment.GetEnvironmentVariable("TERM"),
                Console.OpenStandardInput(),
                Console.OpenStandardOutput(),
                Console.OpenStandardError()), cancellationToken);
        });
        return command;
    }
}
