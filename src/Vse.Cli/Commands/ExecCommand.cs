using System.CommandLine;
using Vse.Cli.Output;
using Vse.Runtime.Drivers;

namespace Vse.Cli.Commands;

/// <summary><c>vse exec DEP[/INDEX] -- CMD…</c>: run in one instance or each in turn; exit code of the worst.</summary>
internal static class ExecCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var target = new Argument<string>("DEP[/INDEX]") { Description = "A deployment id (or unique prefix, or name), optionally /INDEX for one instance" };
        var argv = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore, Description = "The command and its arguments, after --" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Give the command a terminal (one instance; standard input must be a terminal)" };
        var command = new Command("exec", "Run a command inside a deployment's instances; the exit code is the command's (the worst of all instances)") { target, tty, argv };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (reference, index) = InstanceReference.Parse(parse.GetValue(target)!);
            var workspace = await Workspace.OpenAsync(environment, cancellationToken);
            var deployment = await workspace.Deployments.GetAsync(reference, cancellationToken);
            var indices = index is { } one ? [one] : deployment.Instances.Select(i => i.Index).ToList();
            var terminal = parse.GetValue(tty);
            if (terminal && indices.Count > 1)
            {
                throw new UsageException($"exec --tty runs in one instance: name it as {deployment.Id}/INDEX");
            }

            if (terminal && Console.IsInputRedirected)
            {
                throw new UsageException("exec --tty needs a terminal, and standard input is not one");
            }

            var worst = 0;
            foreach (var i in indices)
            {
                if (indices.Count > 1)
                {
                    await Console.Out.WriteLineAsync($"== {deployment.Instances.First(x => x.Index == i).Hostname}");
                }

                var request = new ExecRequest(parse.GetValue(argv)!,
                    Env: terminal && Environment.GetEnvironmentVariable("TERM") is { } term ? new Dictionary<string, string> { ["TERM"] = term } : null,
                    Tty: terminal,
                    Stdin: indices.Count == 1 && Console.IsInputRedirected ? Console.OpenStandardInput() : null,
                    Stdout: Console.OpenStandardOutput(),
                    Stderr: Console.OpenStandardError());
                worst = Math.Max(worst, await workspace.Sandboxes.ExecAsync(deployment, i, request, cancellationToken));
            }

            return worst;
        });
        return command;
    }
}
