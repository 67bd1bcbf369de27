using System.Globalization;
using Vse.Host.Processes;

namespace Vse.Deploy.Slurm;

/// <summary>A job's state as slurmctld reports it (<c>squeue</c>; no accounting database needed).</summary>
public static class SlurmQueue
{
    private static readonly HashSet<string> Live = new(StringComparer.Ordinal) { "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT" };

    /// <summary>The job's state (<c>RUNNING</c>, <c>CANCELLED</c>, ...), or null once slurmctld has forgotten it.</summary>
    /// <exception cref="ToolFailedException">squeue failed for another reason than an unknown job (slurmctld not reachable).</exception>
    public static async Task<string?> StateAsync(long jobId, CancellationToken cancellationToken) =>
        (await QueryAsync(["--states=all", "--jobs", jobId.ToString(CultureInfo.InvariantCulture), "--format=%T"], cancellationToken))?
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    /// <summary>squeue's output for <paramref name="arguments"/>, or null when it does not know the job (any more).</summary>
    /// <exception cref="ToolFailedException">squeue failed for another reason than an unknown job (slurmctld not reachable).</exception>
    private static async Task<string?> QueryAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var squeue = ExternalTool.Require("squeue", "slurm-client");
        var result = await ExternalTool.RunUncheckedAsync(squeue, ["--noheader", .. arguments], cancellationToken);
        if (result.ExitCode != 0)
        {
            // Slurm 22.05: "slurm_load_jobs error: Invalid job id specified" once the job is purged.
            return result.Stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)
                ? null
                : throw new ToolFailedException("squeue", result.ExitCode, result.Stderr.Trim());
        }

        return result.Stdout;
    }

    private static readonly HashSet<string> Stopped = new(StringComparer.Ordinal) { "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "DEADLINE", "OUT_OF_MEMORY", "BOOT_FAIL" };

    /// <summary>Whether a state is one of a job Slurm stopped before its script ended (not COMPLETED or FAILED, which the script's own exit decides).</summary>
    public static bool IsStopped(string? state) => state is not null && Stopped.Contains(state);

    /// <summary>Whether a state (<see cref="StateAsync"/>) is one of a job that has not ended.</summary>
    public static bool IsLive(string? state) => state is not null && Live.Contains(state);

    /// <summary>Whether job <paramref name="jobId"/> still runs a step named <paramref name="stepName"/> (false once the job itself has gone).</summary>
    public static async Task<bool> StepRunningAsync(long jobId, string stepName, CancellationToken cancellationToken) =>
        (await QueryAsync(["--steps", "--jobs", jobId.ToString(CultureInfo.InvariantCulture), "--format=%j"], cancellationToken))?
            .Split('\n', StringSplitOptions.TrimEntries).Contains(stepName, StringComparer.Ordinal) ?? false;
}
