using System.CommandLine;
using Vse.Deploy;
using Vse.Deploy.Preparation;
using Vse.Description.Model;
using Vse.Runtime.Drivers;

namespace Vse.Cli.Commands;

/// <summary><c>vse run FILE [...] -- CMD…</c>: build, run the command as one instance's whole life, clean up; the command's exit code.</summary>
internal static class RunCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = CommonOptions.File();
        var target = CommonOptions.Target();
        var options = new DeployOptions();
        var argv = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore, Description = "The command, after -- (default: the description's run, with /bin/sh -c)" };
        var command = new Command("run", "Build, deploy, run a command in the instance, and clean up, in one go") { file, target, options.Driver, options.Runtime, argv };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (prepared, exitCode) = await DeployCommand.PrepareAsync(environment, parse.GetValue(file)!, parse.GetValue(target), options.Request(parse), cancellationToken);
            if (prepared is null)
            {
                return exitCode;
            }

            IReadOnlyList<string> arguments = parse.GetValue(argv) is { Length: > 0 } given ? given : DefaultCommand(prepared.Model);
            var request = new ExecRequest(arguments,
                Stdin: Console.IsInputRedirected ? Console.OpenStandardInput() : null,
                Stdout: Console.OpenStandardOutput(),
                Stderr: Console.OpenStandardError(),
                OwnStreams: true);
            var progress = new Vse.Cli.Output.DeployProgressPrinter(Console.Error, interactive: false);
            return await prepared.Workspace.Instances.RunOnceAsync(
                prepared.Configuration, prepared.Model, request, prepared.Driver, parse.GetValue(options.Runtime), prepared.GrantedMounts, prepared.HostMpi, progress, cancellationToken, BecomeLauncher);
        });
        return command;
    }

    /// <summary>
    /// On the launcher path vse becomes the launcher (docs/runtime.md, "run"): the command gets vse's
    /// own standard streams, as the request gives them (an input that is not redirected reads as
    /// empty), and vse neither waits nor cleans up; the launcher does.
    /// </summary>
    private static void BecomeLauncher(ProcessHandoff handoff)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        Vse.Host.Processes.ProcessReplacement.Exec(handoff.Program, handoff.Arguments, emptyInput: !Console.IsInputRedirected);
    }

    internal static string[] DefaultCommand(RuntimeModel model) =>
        model.Run is { } run
            ? ["/bin/sh", "-c", run]
            : throw new Vse.Build.BuildInputException("no command given after -- and the description has no 'run'");
}
