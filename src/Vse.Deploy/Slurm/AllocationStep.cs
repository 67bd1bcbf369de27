using System.Diagnostics;
using System.Globalization;
using Vse.Host.Processes;

namespace Vse.Deploy.Slurm;

/// <summary>
/// <c>vse deploy --slurm</c>: a deployment started as a step of an existing allocation
/// (<c>salloc</c>, <c>SLURM_JOB_ID</c> set) by the same batch script <c>vse submit</c> writes
/// (staging, then one <c>vse slurm-node</c> per node), with no command; it is ready when every
/// node has reported its instances, and <c>vse cleanup</c> ends the step, not the allocation
/// (docs/slurm.md).
/// </summary>
public static class AllocationStep
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The allocation vse runs in: its job id and node count, from the variables salloc and sbatch set.</summary>
    /// <exception cref="SlurmRequestException">Not inside an allocation, or one whose size Slurm does not say.</exception>
    public static async Task<(long JobId, int Nodes)> FindAsync(IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (!variables.TryGetValue("SLURM_JOB_ID", out var idText) || idText.Length == 0)
        {
            throw new SlurmRequestException("deploy --slurm runs inside a Slurm allocation (salloc, or a batch job), and SLURM_JOB_ID is not set; vse submit makes a job of its own");
        }

        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
        {
            throw new SlurmRequestException($"SLURM_JOB_ID '{idText}' is not a job id");
        }

        // salloc --no-shell leaves only the id to pass on: the node count then comes from squeue.
        var nodesText = variables.GetValueOrDefault("SLURM_JOB_NUM_NODES") is { Length: > 0 } given
            ? given
            : (await ExternalTool.RunAsync(
                ExternalTool.Require("squeue", "slurm-client"), ["--noheader", "--jobs", idText, "--format=%D"], cancellationToken)).Stdout.Trim();
        return int.TryParse(nodesText, NumberStyles.None, CultureInfo.InvariantCulture, out var nodes) && nodes > 0
            ? (jobId, nodes)
            : throw new SlurmRequestException($"cannot tell how many nodes Slurm job {jobId} has ('{nodesText}'): is it running?");
    }

    /// <summary>
    /// Starts the job directory's batch script as a step of allocation <paramref name="jobId"/> and
    /// waits until every node is ready; on any failure the nodes are told to stop (the done marker).
    /// </summary>
    /// <returns>What each node reported.</returns>
    public static async Task<IReadOnlyList<NodeShareRecord>> StartAsync(SlurmJob job, JobDirectory directory, long jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(directory);
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

        return await directory.ReadNodesAsync(cancellationToken);
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
