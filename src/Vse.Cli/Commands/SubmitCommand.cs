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
                    var (nodeCount, perNode) = Shape(requestedNodes, perNodeOption, model.Deploy);
                    if ((long)nodeCount * perNode > DeploymentBounds.MaxInstances)
                    {
                        throw new UsageException($"--nodes {nodeCount} x --per-node {perNode} is above vse's limit of {DeploymentBounds.MaxInstances} instances in a deployment");
                    }

                    chosen = await AdmitAsync(parse.GetValue(partition), nodeCount, perNode, model.Resources, isDryRun, ct);
                    // Site policy sees the whole deployment: N x K instances, K per node.
                    return new DeployRequest(nodeCount * perNode, perNode, parse.GetValue(options.Driver), "--nodes x --per-node");
                });
            if (prepared is null)
            {
                return exitCode;
            }

            var perNodeCount = prepared.PerNode;
            var nodeTotal = prepared.Instances / perNodeCount;
            IReadOnlyList<string> commandLine = parse.GetValue(argv) is { Length: > 0 } given ? given : RunCommand.DefaultCommand(prepared.Model);
            var (job, directory) = await WriteJobAsync(
                environment, prepared, nodeTotal, perNodeCount, commandLine, parse.GetValue(options.Runtime), parse.GetValue(staging), inAllocation: false, cancellationToken);
            var deploymentId = job.DeploymentId;
            if (isDryRun)
            {
                Console.Out.Write(await File.ReadAllTextAsync(directory.BatchScript, cancellationToken));
                await Console.Error.WriteLineAsync($"vse: dry run: nothing submitted; deployment {deploymentId}'s job directory is {environment.Display(directory.Root)}");
                return ExitCodes.Success;
            }

            var sbatch = ExternalTool.Require("sbatch", "slurm-client");
            var arguments = SbatchArguments(job, directory, chosen, timeLimit, prepared.Model.Resources, parse.GetValue(wait));
            long? jobId = null;
            void Submitted(long id)
            {
                jobId = id;
                File.WriteAllText(directory.JobIdFile, id.ToString(CultureInfo.InvariantCulture) + "\n");
                Console.Error.WriteLine($"vse: submitted deployment {deploymentId} as Slurm job {id}: {nodeTotal} node(s) x {perNodeCount} instance(s) of {prepared.Configuration.Name}");
            }

            if (!parse.GetValue(wait))
            {
                var result = await ExternalTool.RunAsync(sbatch, arguments, cancellationToken);
                Submitted(SbatchOutput.ParseJobId(result.Stdout));
                Console.Out.WriteLine($"{deploymentId} {jobId}");
                return ExitCodes.Success;
            }

            // sbatch --wait prints the id at submission and returns when the job ends; its exit code is
            // the batch script's, but the command's own is the one vse recorded.
            await ExternalTool.RunUncheckedAsync(sbatch, arguments, cancellationToken, line =>
            {
                if (jobId is null && line.Trim().Length > 0)
                {
                    Submitted(SbatchOutput.ParseJobId(line));
                }
            });
            if (jobId is null)
            {
                throw new SlurmOutputException($"sbatch did not submit the job (see {directory.SlurmOutput})");
            }

            return await ReportAsync(prepared.Workspace.Home.Root, deploymentId, jobId.Value, cancellationToken);
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

    /// <summary>
    /// N nodes and K instances per node: as given, else from the description. K defaults to
    /// <c>deploy.per_node</c>, else <c>deploy.instances</c> spread over the N nodes asked for (all on one node when N is not given), else 1;
    /// N defaults to <c>deploy.instances</c> / K rounded up, else 1.
    /// </summary>
    internal static (int Nodes, int PerNode) Shape(int? nodes, int? perNode, DeploySettings deploy)
    {
        var k = perNode ?? deploy.PerNode ?? (deploy.Instances is { } all ? (nodes is { } n ? (all + n - 1) / n : all) : 1);
        return (nodes ?? (deploy.Instances is { } total ? (total + k - 1) / k : 1), k);
    }

    /// <summary>What the submit host knows about a deployment across nodes once its job has ended: routes, output, exit code.</summary>
    private static async Task<int> ReportAsync(string vseHome, string deploymentId, long jobId, CancellationToken cancellationToken)
    {
        var deployment = await SubmittedDeployment.FindAsync(vseHome, deploymentId, cancellationToken)
            ?? throw new InvalidOperationException($"the job directory of {deploymentId} has gone");
        var directory = deployment.Directory;
        foreach (var node in deployment.Nodes)
        {
            await Console.Error.WriteLineAsync($"vse: {node.Node}: instances {string.Join(", ", node.Hostnames)} (image staged by {node.Staging})");
        }

        await using (var stdout = Console.OpenStandardOutput())
        {
            if (File.Exists(directory.Output))
            {
                await using var output = File.OpenRead(directory.Output);
                await output.CopyToAsync(stdout, cancellationToken);
            }
        }

        var error = File.Exists(directory.Error) ? await File.ReadAllTextAsync(directory.Error, cancellationToken) : "";
        // A job Slurm ended (cancelled, timed out, a node lost) did not finish its command, even
        // when the command's exit code (143: its SIGTERM) made it to the job directory first.
        var state = await SlurmQueue.StateAsync(jobId, cancellationToken);
        if (deployment.ExitCode is { } exitCode && !SlurmQueue.IsStopped(state))
        {
            await Console.Error.WriteAsync(error);
            return exitCode;
        }

        await Console.Error.WriteLineAsync(
            $"vse: error: Slurm job {jobId} ended ({(state ?? "ended").ToLowerInvariant()}) before the command finished{(error.Length > 0 ? ": " + error.Trim().ReplaceLineEndings(" ") : "")}");
        return ExitCodes.InfrastructureFailure;
    }

    private static List<string> SbatchArguments(
        SlurmJob job, JobDirectory directory, PartitionInfo? partition, string? timeLimit, ResourceLimits resources, bool wait)
    {
        var arguments = new List<string>
        {
            "--parsable", $"--job-name=vse-{job.Configuration.Name}", $"--nodes={job.Nodes}", "--ntasks-per-node=1",
            $"--output={directory.SlurmOutput}", $"--chdir={directory.Root}",
            // A job that lost a node is over: its instances are gone with it, and rerunning the
            // command from scratch is the user's decision, not Slurm's.
            "--no-requeue",
        };
        if (partition is not null)
        {
            arguments.Add($"--partition={partition.Name}");
        }

        if (timeLimit is not null)
        {
            arguments.Add($"--time={timeLimit}");
        }

        if (SlurmAdmission.MemoryPerNodeMb(job.PerNode, resources) is { } memory)
        {
            arguments.Add($"--mem={memory}M");
        }

        if (wait)
        {
            arguments.Add("--wait");
        }

        arguments.Add(directory.BatchScript);
        return arguments;
    }

    /// <summary>The partition the job goes to, checked (<see cref="SlurmAdmission"/>); a dry run on a host without Slurm checks nothing.</summary>
    private static async Task<PartitionInfo?> AdmitAsync(string? partition, int nodes, int perNode, ResourceLimits resources, bool dryRun, CancellationToken cancellationToken)
    {
        var sinfo = ExternalTool.Find("sinfo");
        if (sinfo is null && dryRun)
        {
            await Console.Error.WriteLineAsync("vse: warning: sinfo is not installed: the partition was not checked");
            return null;
        }

        var result = await ExternalTool.RunAsync(
            sinfo ?? ExternalTool.Require("sinfo", "slurm-client"), ["--noheader", "--Node", $"--format={PartitionInfo.SinfoFormat}"], cancellationToken);
        var chosen = SlurmAdmission.Select(PartitionInfo.Parse(result.Stdout), partition);
        SlurmAdmission.Check(chosen, nodes, perNode, resources);
        return chosen;
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
