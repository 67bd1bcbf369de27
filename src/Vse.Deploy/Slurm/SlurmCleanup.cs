using System.Globalization;
using Vse.Host.Processes;

namespace Vse.Deploy.Slurm;

/// <summary>
/// <c>vse cleanup DEP</c> for a deployment submitted to Slurm, from the submit host: the job is
/// cancelled (every node's vse then gets SIGTERM and removes its instances, as on any scancel),
/// vse waits until Slurm reports the job ended, and removes the job directory. A deployment
/// started in an existing allocation (<c>vse deploy --slurm</c>) ends its step only.
/// </summary>
public static class SlurmCleanup
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task CleanupAsync(SubmittedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Job.InAllocation && deployment.JobId is { } allocation)
        {
            // vse deploy --slurm: the allocation is the user's and stays; its step ends when every
            // node, told by the done marker, has removed its instances.
            await JobDirectory.WriteAtomicallyAsync(deployment.Directory.Done, "", cancellationToken);
            while (await SlurmQueue.StepRunningAsync(allocation, deployment.Job.StepName, cancellationToken))
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        else if (deployment.JobId is { } jobId)
        {
            var id = jobId.ToString(CultureInfo.InvariantCulture);
            if (SlurmQueue.IsLive(await SlurmQueue.StateAsync(jobId, cancellationToken)))
            {
                await ExternalTool.RunAsync(ExternalTool.Require("scancel", "slurm-client"), [id], cancellationToken);
            }

            // Ended in Slurm's eyes means every step's processes are gone (COMPLETING until then),
            // and with them each node's vse, after it removed its instances.
            while (SlurmQueue.IsLive(await SlurmQueue.StateAsync(jobId, cancellationToken)))
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }

        Vse.Host.FileSystem.TreeDeleter.Delete(deployment.Directory.Root, cancellationToken);
    }
}
