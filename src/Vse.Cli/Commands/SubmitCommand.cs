using System.CommandLine;
using System.Globalization;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Preparation;
using Vse.Deploy.Slurm;
using Vse.Description;
using Vse.Description.Model;
using Vse.Host.Processes;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse submit FILE [--nodes N] [--per-node K] [--partition P] [--time T] [--dry-run] [--wait] [-- CMD…]</c>:
/// the deployment of <c>vse deploy</c> as a Slurm batch job across N nodes, K instances each,
/// with CMD run once on instance 0 when all are ready (docs/slurm.md).
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = CommonOptions.File();
        var target = CommonOptions.Target();
        var options = new DeployOptions();
        var nodes = new Option<int?>("--nodes", "-N") { Description = "Nodes to run on (default: deploy.instances / K, rounded up, else 1)" };
        var partition = new Option<string?>("--partition", "-p") { Description = "The Slurm partition (default: Slurm's default partition)" };
        var time = new Option<string?>("--time") { Description = "The job's time limit, in Slurm's format (e.g. 10, 1:30:00, 2-00:00:00)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write and print the batch script; submit nothing" };
        var wait = new Option<bool>("--wait") { Description = "Block until the job ends, print the command's output, exit with its exit code" };
        var staging = StagingOption();
        var argv = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore, Description = "Run once on instance 0 when all are ready, after -- (default: the description's run, with /bin/sh -c)" };
        var command = new Command("submit", "Deploy the description across Slurm nodes as a batch job and run a command on instance 0 once all instances are ready")
        {
            file, target, nodes, options.PerNode, partition, time, options.Driver, options.Runtime, staging, dryRun, wait, argv,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var requestedNodes = parse.GetValue(nodes);
            var perNodeOption = parse.GetValue(options.PerNode);
            if (requestedNodes is < 1 || perNodeOption is < 1)
            {
                throw new UsageException("--nodes and --per-node must be at least 1");
            }

            if (requestedNodes is > DeploymentBounds.MaxInstances)
            {
                throw new UsageException($"--nodes: {requestedNodes} is above vse's limit of {DeploymentBounds.MaxInstances} instances in a deployment");
            }

            var timeLimit = parse.GetValue(time);
            if (timeLimit is not null && !SlurmTimeLimit.IsValid(timeLimit))
            {
                throw new UsageException($"--time: '{timeLimit}' is not a Slurm time limit (MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS[:MINUTES[:SECONDS]])");
            }

            var isDryRun = parse.GetValue(dryRun);
            PartitionInfo? chosen = null;
            var (prepared, exitCode) = await DeployCommand.PrepareAsync(
                environment, parse.GetValue(file)!, parse.GetValue(target), new DeployRequest(null, perNodeOption, parse.GetValue(options.Driver)), cancellationToken,
                async (model, ct) =>
                {
                    var shape = SlurmShape.Of(requestedNodes, perNodeOption, model.Deploy);
                    chosen = await SlurmSubmission.AdmitAsync(parse.GetValue(partition), shape, model.Resources, isDryRun, ct);
                    if (chosen is null)
                    {
                        await Console.Error.WriteLineAsync("vse: warning: sinfo is not installed: the partition was not checked");
                    }

                    // Site policy sees the whole deployment: N x K instances, K per node.
                    return new DeployRequest(shape.Instances, shape.PerNode, parse.GetValue(options.Driver), "--nodes x --per-node");
                });
            if (prepared is null)
            {
                return exitCode;
            }

            var perNodeCount = prepared.PerNode;
            var nodeTotal = prepared.Instances / perNodeCount;
            IReadOnlyList<string> commandLine = parse.GetValue(argv) is { Length: > 0 } given ? given : RunCommand.DefaultCommand(prepared.Model);
            // Shared with other submissions, against vse gc: held until the job's id is recorded.
            using var exportsLock = await BroadcastExport.LockAsync(prepared.Workspace.Home.Root, exclusive: false, cancellationToken);
            var (job, directory) = await WriteJobAsync(
                environment, prepared, nodeTotal, perNodeCount, commandLine, parse.GetValue(options.Runtime), parse.GetValue(staging), inAllocation: false, cancellationToken);
            var deploymentId = job.DeploymentId;
            if (isDryRun)
            {
                Console.Out.Write(await File.ReadAllTextAsync(directory.BatchScript, cancellationToken));
                await Console.Error.WriteLineAsync($"vse: dry run: nothing submitted; deployment {deploymentId}'s job directory is {environment.Display(directory.Root)}");
                return ExitCodes.Success;
            }

            var waitForEnd = parse.GetValue(wait);
            var jobId = await SlurmSubmission.SubmitAsync(
                job, directory, chosen, timeLimit, prepared.Model.Resources, waitForEnd,
                id =>
                {
                    // The job directory names the job now: gc keeps its export while the job may run.
                    exportsLock.Dispose();
                    Console.Error.WriteLine($"vse: submitted deployment {deploymentId} as Slurm job {id}: {nodeTotal} node(s) x {perNodeCount} instance(s) of {prepared.Configuration.Name}");
                },
                cancellationToken);
            if (!waitForEnd)
            {
                Console.Out.WriteLine($"{deploymentId} {jobId}");
                return ExitCodes.Success;
            }

            return await ReportAsync(prepared.Workspace.Home.Root, deploymentId, jobId, cancellationToken);
        });
        return command;
    }

    /// <summary><c>--staging</c>, of <c>vse submit</c> and <c>vse deploy --slurm</c>.</summary>
    internal static Option<StagingMode> StagingOption() => new("--staging")
    {
        Description = "How the image reaches Slurm nodes: auto (each node: its cache, else the submit host's store, else sbcast), shared (the store only), broadcast (its cache, else sbcast)",
        DefaultValueFactory = _ => StagingMode.Auto,
    };

    /// <summary><see cref="SlurmJobWriter.WriteAsync"/>, saying on stderr when an export for the broadcast was made.</summary>
    internal static Task<(SlurmJob Job, JobDirectory Directory)> WriteJobAsync(
        CliEnvironment environment, PreparedDeployment prepared, int nodes, int perNode, IReadOnlyList<string> command, string? runtime,
        StagingMode staging, bool inAllocation, CancellationToken cancellationToken) =>
        SlurmJobWriter.WriteAsync(
            prepared, nodes, perNode, command, runtime, staging, inAllocation, NodeShare.NodeHomeRoot(environment.Variables), VseCommandLine(),
            size => Console.Error.WriteLine($"vse: exported {prepared.Configuration.Id} for broadcast to nodes without it ({BroadcastExport.Megabytes(size)})"),
            cancellationToken);

    /// <summary>Prints what the submit host knows once the job has ended (<see cref="SubmittedJobOutcome"/>); the command's exit code.</summary>
    private static async Task<int> ReportAsync(string vseHome, string deploymentId, long jobId, CancellationToken cancellationToken)
    {
        var outcome = await SubmittedJobOutcome.ReadAsync(vseHome, deploymentId, jobId, cancellationToken);
        foreach (var node in outcome.Deployment.Nodes)
        {
            await Console.Error.WriteLineAsync($"vse: {node.Node}: instances {string.Join(", ", node.Hostnames)} (image staged by {node.Staging})");
        }

        await using (var stdout = Console.OpenStandardOutput())
        {
            if (File.Exists(outcome.Deployment.Directory.Output))
            {
                await using var output = File.OpenRead(outcome.Deployment.Directory.Output);
                await output.CopyToAsync(stdout, cancellationToken);
            }
        }

        if (outcome.ExitCode is { } exitCode)
        {
            await Console.Error.WriteAsync(outcome.Error);
            return exitCode;
        }

        await Console.Error.WriteLineAsync(
            $"vse: error: Slurm job {jobId} ended ({(outcome.State ?? "ended").ToLowerInvariant()}) before the command finished{(outcome.Error.Length > 0 ? ": " + outcome.Error.Trim().ReplaceLineEndings(" ") : "")}");
        return ExitCodes.InfrastructureFailure;
    }

    /// <summary>How a node starts this same vse: its executable (the apphost or native binary), or dotnet and the assembly.</summary>
    internal static IReadOnlyList<string> VseCommandLine()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where the vse executable is");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.GetFullPath(Environment.GetCommandLineArgs()[0])]
            : [process];
    }
}
