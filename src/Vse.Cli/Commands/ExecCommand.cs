using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Slurm;
using Vse.Runtime.Drivers;
using Vse.State.Deployments;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse exec DEP[/INDEX] -- CMD…</c>: in one instance with its streams passed through, or in
/// every instance at once with each line prefixed by the instance's hostname (or folded with
/// <c>--group</c>); the exit code is the worst.
/// </summary>
internal static class ExecCommand
{
    /// <summary>How many instances run the command at once: each costs a runtime process on the host.</summary>
    private const int FanOut = 32;

    public static Command Create(CliEnvironment environment)
    {
        var target = new Argument<string>("DEP[/INDEX]") { Description = "A deployment id (or unique prefix, or name), optionally /INDEX for one instance" };
        var argv = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore, Description = "The command and its arguments, after --" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Give the command a terminal (one instance; standard input must be a terminal)" };
        var group = new Option<bool>("--group", "-g") { Description = "Several instances: print each distinct output once, headed by the instances that printed it (like dshbak -c)" };
        var command = new Command("exec", "Run a command inside a deployment's instances (all at once unless /INDEX); the exit code is the command's (the worst of all instances)")
        {
            target, tty, group, argv,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (reference, index) = InstanceReference.Parse(parse.GetValue(target)!);
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            if (await SubmittedDeployment.FindAsync(workspace.Home.Root, reference, cancellationToken) is { } submitted)
            {
                if (parse.GetValue(tty) || parse.GetValue(group))
                {
                    throw new UsageException("exec --tty and --group work on one host's deployments, not yet across Slurm nodes");
                }

                return await OnSlurmNodesAsync(submitted, index, parse.GetValue(argv)!, cancellationToken);
            }

            var deployment = await workspace.Deployments.GetAsync(reference, cancellationToken);
            IReadOnlyList<InstanceRecord> instances = index is { } one
                ? [deployment.Instances.FirstOrDefault(i => i.Index == one) ?? throw new InstanceNotFoundException(deployment.Id, one)]
                : deployment.Instances.Where(i => i.State != LifecycleState.Failed).ToList();
            var arguments = parse.GetValue(argv)!;
            var terminal = parse.GetValue(tty);
            if (terminal && instances.Count > 1)
            {
                throw new UsageException($"exec --tty runs in one instance: name it as {deployment.Id}/INDEX");
            }

            if (terminal && Console.IsInputRedirected)
            {
                throw new UsageException("exec --tty needs a terminal, and standard input is not one");
            }

            if (instances.Count == 1)
            {
                return await workspace.Instances.ExecAsync(deployment, instances[0].Index, new ExecRequest(arguments,
                    Env: terminal && Environment.GetEnvironmentVariable("TERM") is { } term ? new Dictionary<string, string> { ["TERM"] = term } : null,
                    Tty: terminal,
                    Stdin: Console.IsInputRedirected ? Console.OpenStandardInput() : null,
                    Stdout: Console.OpenStandardOutput(),
                    Stderr: Console.OpenStandardError()), cancellationToken);
            }

            return parse.GetValue(group)
                ? await GroupedAsync(workspace, deployment, instances, arguments, cancellationToken)
                : await PrefixedAsync(workspace, deployment, instances, arguments, cancellationToken);
        });
        return command;
    }

    /// <summary>Instances of a deployment across Slurm nodes, through srun steps on their nodes (<see cref="SlurmRemoteExec"/>).</summary>
    private static Task<int> OnSlurmNodesAsync(SubmittedDeployment deployment, int? index, string[] arguments, CancellationToken cancellationToken)
    {
        var vse = SubmitCommand.VseCommandLine();
        if (index is { } one)
        {
            var (srunArguments, nodeHome) = SlurmRemoteExec.Plan(deployment, one, vse, arguments);
            return SlurmSteps.RunAsync(srunArguments, nodeHome, cancellationToken);
        }

        return SlurmSteps.RunPerNodeAsync(deployment, SlurmRemoteExec.PlanNodes(deployment, vse, local => ["exec", local, "--", .. arguments]), cancellationToken);
    }

    private static async Task<int> PrefixedAsync(
        Workspace workspace, Deployment deployment, IReadOnlyList<InstanceRecord> instances, string[] arguments, CancellationToken cancellationToken)
    {
        var width = instances.Max(i => i.Hostname.Length);
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        using var outLock = new SemaphoreSlim(1);
        using var errLock = new SemaphoreSlim(1);
        var worst = 0;
        await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = FanOut, CancellationToken = cancellationToken }, async (instance, ct) =>
        {
            var prefix = (instance.Hostname + ":").PadRight(width + 2);
            await using var output = new PrefixedLineStream(stdout, outLock, prefix);
            await using var errors = new PrefixedLineStream(stderr, errLock, prefix);
            var code = await ExecOrReportAsync(workspace, deployment, instance, arguments, output, errors, ct);
            await output.FlushAsync(ct);
            await errors.FlushAsync(ct);
            InterlockedMax(ref worst, code);
        });
        return worst;
    }

    private static async Task<int> GroupedAsync(
        Workspace workspace, Deployment deployment, IReadOnlyList<InstanceRecord> instances, string[] arguments, CancellationToken cancellationToken)
    {
        var results = new (string Host, byte[] Output)[instances.Count];
        var worst = 0;
        await Parallel.ForEachAsync(instances.Select((instance, position) => (instance, position)),
            new ParallelOptions { MaxDegreeOfParallelism = FanOut, CancellationToken = cancellationToken }, async (item, ct) =>
            {
                // Both streams into one buffer, as dshbak sees pdsh's merged output.
                using var both = new MemoryStream();
                var code = await ExecOrReportAsync(workspace, deployment, item.instance, arguments, both, both, ct);
                results[item.position] = (item.instance.Hostname, both.ToArray());
                InterlockedMax(ref worst, code);
            });
        await GroupedOutput.WriteAsync(Console.Out, results, cancellationToken);
        return worst;
    }

    /// <summary>One instance's failure to run the command is that instance's line, not the end of the others.</summary>
    private static async Task<int> ExecOrReportAsync(
        Workspace workspace, Deployment deployment, InstanceRecord instance, string[] arguments, Stream output, Stream errors, CancellationToken cancellationToken)
    {
        try
        {
            return await workspace.Instances.ExecAsync(deployment, instance.Index, new ExecRequest(arguments, Stdout: output, Stderr: errors), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await errors.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"vse: error: {e.Message.ReplaceLineEndings(" ")}\n"), cancellationToken);
            return Failures.ExitCodeFor(e);
        }
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while ((current = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, current) != current)
        {
        }
    }
}
