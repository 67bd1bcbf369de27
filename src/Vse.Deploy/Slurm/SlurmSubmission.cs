using System.Globalization;
using Vse.Description.Model;
using Vse.Host.Processes;

namespace Vse.Deploy.Slurm;

/// <summary>
/// Submitting a written job (<see cref="SlurmJobWriter"/>) to Slurm: choosing and checking the
/// partition first (<see cref="SlurmAdmission"/>), then <c>sbatch</c>, and recording the job id in
/// the job directory (docs/slurm.md).
/// </summary>
public static class SlurmSubmission
{
    /// <summary>The partition a job of <paramref name="shape"/> goes to, checked against what <c>sinfo</c> reports.</summary>
    /// <returns>The partition, or null for a dry run on a host without <c>sinfo</c> (nothing was checked).</returns>
    /// <exception cref="SlurmRequestException">No such partition, or it can never run the job.</exception>
    public static async Task<PartitionInfo?> AdmitAsync(string? partition, SlurmShape shape, ResourceLimits resources, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var sinfo = ExternalTool.Find("sinfo");
        if (sinfo is null && dryRun)
        {
            return null;
        }

        var result = await ExternalTool.RunAsync(
            sinfo ?? ExternalTool.Require("sinfo", "slurm-client"), ["--noheader", "--Node", $"--format={PartitionInfo.SinfoFormat}"], cancellationToken);
        var chosen = SlurmAdmission.Select(PartitionInfo.Parse(result.Stdout), partition);
        SlurmAdmission.Check(chosen, shape.Nodes, shape.PerNode, resources);
        return chosen;
    }

    /// <summary>
    /// Submits the job with <c>sbatch</c> and records its id in <see cref="JobDirectory.JobIdFile"/>;
    /// <paramref name="submitted"/> hears the id as soon as Slurm gives it. With <paramref name="wait"/>,
    /// returns once the job has ended (<c>sbatch --wait</c>; the command's own exit code is in the job directory).
    /// </summary>
    /// <exception cref="SlurmOutputException">sbatch submitted nothing.</exception>
    public static async Task<long> SubmitAsync(
        SlurmJob job, JobDirectory directory, PartitionInfo? partition, string? timeLimit, ResourceLimits resources, bool wait,
        Action<long> submitted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(submitted);
        var sbatch = ExternalTool.Require("sbatch", "slurm-client");
        var arguments = SbatchArguments(job, directory, partition, timeLimit, resources, wait);
        long? jobId = null;
        void Record(long id)
        {
            jobId = id;
            File.WriteAllText(directory.JobIdFile, id.ToString(CultureInfo.InvariantCulture) + "\n");
            submitted(id);
        }

        if (!wait)
        {
            var result = await ExternalTool.RunAsync(sbatch, arguments, cancellationToken);
            Record(SbatchOutput.ParseJobId(result.Stdout));
            return jobId!.Value;
        }

        // sbatch --wait prints the id at submission and returns when the job ends; its exit code is
        // the batch script's, but the command's own is the one vse recorded.
        await ExternalTool.RunUncheckedAsync(sbatch, arguments, cancellationToken, line =>
        {
            if (jobId is null && line.Trim().Length > 0)
            {
                Record(SbatchOutput.ParseJobId(line));
            }
        });
        return jobId ?? throw new SlurmOutputException($"sbatch did not submit the job (see {directory.SlurmOutput})");
    }

    /// <summary>The arguments of <c>sbatch</c> for the job: one task per node, its memory, no requeue.</summary>
    public static IReadOnlyList<string> SbatchArguments(
        SlurmJob job, JobDirectory directory, PartitionInfo? partition, string? timeLimit, ResourceLimits resources, bool wait)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(directory);
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
}
