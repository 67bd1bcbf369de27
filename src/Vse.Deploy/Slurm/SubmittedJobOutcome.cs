namespace Vse.Deploy.Slurm;

/// <summary>
/// What the submit host knows about a submitted deployment once its job has ended: where each
/// node's instances ran, the command's output and error, and its exit code, unless Slurm ended
/// the job before the command finished.
/// </summary>
/// <param name="ExitCode">The command's exit code, or null when Slurm stopped the job first (<see cref="State"/> says how).</param>
/// <param name="State">The job's state as squeue last reported it, or null once slurmctld has forgotten it.</param>
public sealed record SubmittedJobOutcome(SubmittedDeployment Deployment, string Error, int? ExitCode, string? State)
{
    public static async Task<SubmittedJobOutcome> ReadAsync(string vseHome, string deploymentId, long jobId, CancellationToken cancellationToken)
    {
        var deployment = await SubmittedDeployment.FindAsync(vseHome, deploymentId, cancellationToken)
            ?? throw new InvalidOperationException($"the job directory of {deploymentId} has gone");
        var directory = deployment.Directory;
        var error = File.Exists(directory.Error) ? await File.ReadAllTextAsync(directory.Error, cancellationToken) : "";
        // A job Slurm ended (cancelled, timed out, a node lost) did not finish its command, even
        // when the command's exit code (143: its SIGTERM) made it to the job directory first.
        var state = await SlurmQueue.StateAsync(jobId, cancellationToken);
        return new SubmittedJobOutcome(deployment, error, SlurmQueue.IsStopped(state) ? null : deployment.ExitCode, state);
    }
}
