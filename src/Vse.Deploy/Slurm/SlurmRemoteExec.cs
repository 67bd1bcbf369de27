using System.Globalization;

namespace Vse.Deploy.Slurm;

/// <summary>
/// <c>vse exec DEP/INDEX</c> from the submit host for an instance on a Slurm node: an srun step in
/// the deployment's own job, on that instance's node, overlapping the running step, that runs the
/// node's vse against the node's data directory and the local deployment (ids from
/// <c>nodes/NODE.json</c>). srun passes the streams through and exits with the command's code.
/// </summary>
public static class SlurmRemoteExec
{
    /// <summary>The srun arguments, and the data directory to give the node's vse (as <c>VSE_HOME</c> in srun's environment, which srun exports).</summary>
    /// <param name="vse">How to start vse on the node (as in the batch script).</param>
    /// <exception cref="SlurmRequestException">No such instance, or its node has not reported it ready, or the job has ended.</exception>
    public static (IReadOnlyList<string> Arguments, string NodeHome) Plan(SubmittedDeployment deployment, int index, IReadOnlyList<string> vse, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var hostnames = deployment.Job.Hostnames();
        if (index < 0 || index >= hostnames.Count)
        {
            throw new SlurmRequestException($"deployment {deployment.Id} has no instance {index} (it has {hostnames.Count})");
        }

        if (deployment.JobId is not { } jobId || deployment.Done)
        {
            throw new SlurmRequestException($"deployment {deployment.Id} is not running (its Slurm job {(deployment.JobId is null ? "was never submitted" : "has ended")})");
        }

        var hostname = hostnames[index];
        var node = deployment.Nodes.FirstOrDefault(n => n.Hostnames.Contains(hostname) && deployment.ReadyNodes.Contains(n.Node))
            ?? throw new SlurmRequestException($"instance {index} of {deployment.Id} ({hostname}) is not ready yet: its node has not reported it");
        var localIndex = node.Hostnames.ToList().IndexOf(hostname);
        return (
        [
            $"--jobid={jobId.ToString(CultureInfo.InvariantCulture)}", "--overlap", "--nodes=1", "--ntasks=1", $"--nodelist={node.Node}", "--quiet",
            .. vse, "exec", $"{node.LocalDeploymentId}/{localIndex.ToString(CultureInfo.InvariantCulture)}", "--", .. command,
        ], node.Home);
    }
}
