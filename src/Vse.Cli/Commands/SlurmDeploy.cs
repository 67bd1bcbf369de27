using System.Diagnostics;
using System.Globalization;
using Vse.Cli.Output;
using Vse.Deploy.Preparation;
using Vse.Deploy.Slurm;
using Vse.Host.Processes;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse deploy --slurm FILE</c> inside an existing allocation (<c>salloc</c>: <c>SLURM_JOB_ID</c>
/// set): the deployment of <c>vse submit</c> on the allocation's N nodes, K instances each, started
/// as a step of that allocation by the same batch script (staging, then one <c>vse slurm-node</c>
/// per node), with no command; vse returns once all N x K instances are ready and prints the
/// deployment id. <c>vse cleanup</c> ends the step, not the allocation (docs/slurm.md).
/// </summary>
internal static class SlurmDeploy
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(
        CliEnvironment environment, string file, string? target, int? instances, int? perNode, string? driver, string? runtime, StagingMode staging,
        CancellationToken cancellationToken)
    {
        var (jobId, nodes) = await AllocationAsync(environment, cancellationToken);
        var (prepared, exitCode) = await DeployCommand.PrepareAsync(
            environment, file, target, new DeployRequest(null, perNode, driver), cancellationToken,
            (model, _) =>
            {
                var (_, k) = SubmitCommand.Shape(nodes, perNode, model.Deploy with { Instances = instances ?? model.Deploy.Instances });
                return Task.FromResult(new DeployRequest(nodes * k, k, driver, "the allocation's nodes x --per-node"));
            });
        if (prepared is null)
        {
            return exitCode;
        }

        var (job, directory) = await SubmitCommand.WriteJobAsync(
            environment, prepared, nodes, prepared.PerNode, [], runtime, staging, inAllocation: true, cancellationToken);
        await File.WriteAllTextAsync(directory.JobIdFile, jobId.ToString(CultureInfo.InvariantCulture) + "\n", cancellationToken);
        using var script = StartDetached(directory);
        try
        {
            await WaitUntilReadyAsync(job, directory, script, cancellationToken);
        }
        catch
        {
            // Whatever started is told to stop; the step ends once every node has removed its instances.
            await JobDirectory.WriteAtomicallyAsync(directory.Done, "", CancellationToken.None);
            throw;
        }

        foreach (var node in await directory.ReadNodesAsync(cancellationToken))
        {
            await Console.Error.WriteLineAsync($"vse: {node.Node}: instances {string.Join(", ", node.Hostnames)} (image staged by {node.Staging})");
        }

        await Console.Error.WriteLineAsync(
            $"deployed {prepared.Configuration.Name} as {job.DeploymentId} in Slurm job {jobId}: {nodes} node(s) x {job.PerNode} instance(s) with {job.Driver}");
        Console.Out.WriteLine(job.DeploymentId);
        return ExitCodes.Success;
    }

    /// <summary>The allocation vse runs in: its job id and node count, from the variables salloc and sbatch set.</summary>
    private static async Task<(long JobId, int Nodes)> AllocationAsync(CliEnvironment environment, CancellationToken cancellationToken)
    {
        if (!environment.Variables.TryGetValue("SLURM_JOB_ID", out var idText) || idText.Length == 0)
        {
            throw new UsageException("deploy --slurm runs inside a Slurm allocation (salloc, or a batch job), and SLURM_JOB_ID is not set; vse submit makes a job of its own");
        }

        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
        {
            throw new UsageException($"SLURM_JOB_ID '{idText}' is not a job id");
        }

        // salloc --no-shell leaves only the id to pass on: the node count then comes from squeue.
        var nodesText = environment.Variables.GetValueOrDefault("SLURM_JOB_NUM_NODES") is { Length: > 0 } given
            ? given
            : (await ExternalTool.RunAsync(
                ExternalTool.Require("squeue", "slurm-client"), ["--noheader", "--jobs", idText, "--format=%D"], cancellationToken)).Stdout.Trim();
        return int.TryParse(nodesText, NumberStyles.None, CultureInfo.InvariantCulture, out var nodes) && nodes > 0
            ? (jobId, nodes)
            : throw new UsageException($"cannot tell how many nodes Slurm job {jobId} has ('{nodesText}'): is it running?");
    }

    /// <summary>
    /// The batch script in its own session (it outlives vse: its srun step is the deployment), its
    /// output in Slurm's output file; srun finds the allocation by SLURM_JOB_ID in the environment.
    /// </summary>
    private static Process StartDetached(JobDirectory directory)
    {
        var start = new ProcessStartInfo(ExternalTool.Require("setsid", "util-linux")) { UseShellExecute = false };
        // The paths are arguments of the constant script ($0, $1), never part of its text.
        foreach (var argument in new[] { "/bin/sh", "-c", "exec /bin/sh \"$0\" </dev/null >>\"$1\" 2>&1", directory.BatchScript, directory.SlurmOutput })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("the deployment's step did not start");
    }

    private static async Task WaitUntilReadyAsync(SlurmJob job, JobDirectory directory, Process script, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Directory.Exists(directory.Nodes))
            {
                if (Directory.GetFiles(directory.Nodes, "*.failed") is { Length: > 0 } failed)
                {
                    throw new InvalidOperationException(
                        $"node {Path.GetFileNameWithoutExtension(failed[0])} did not start its instances: {(await File.ReadAllTextAsync(failed[0], cancellationToken)).Trim()}");
                }

                if (Directory.GetFiles(directory.Nodes, "*.ready").Length >= job.Nodes)
                {
                    return;
                }
            }

            if (script.HasExited)
            {
                var error = File.Exists(directory.Error) ? (await File.ReadAllTextAsync(directory.Error, cancellationToken)).Trim().ReplaceLineEndings(" ") : "";
                throw new InvalidOperationException(
                    $"the deployment's step ended ({script.ExitCode}) before all instances were ready{(error.Length > 0 ? ": " + error : "")} (see {directory.SlurmOutput})");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
