using System.Globalization;

namespace Vse.Deploy.Slurm;

/// <summary>
/// <c>vse exec</c> and <c>vse logs</c> from the submit host for instances on Slurm nodes: srun steps
/// in the deployment's own job, on the instances' nodes, overlapping the running step, that run the
/// node's vse against the node's data directory and the local deployment (ids from
/// <c>nodes/NODE.json</c>). srun passes the streams through and exits with the command's code.
/// One instance takes one step; all instances take one step per node, run side by side.
/// </summary>
public static class SlurmRemoteExec
{
    /// <summary><c>vse exec DEP/INDEX -- CMD</c>: see <see cref="PlanInstance"/>.</summary>
    public static (IReadOnlyList<string> Arguments, string NodeHome) Plan(SubmittedDeployment deployment, int index, IReadOnlyList<string> vse, IReadOnlyList<string> command) =>
        PlanInstance(deployment, index, vse, local => ["exec", local, "--", .. command]);

    /// <summary>The srun arguments for one instance, and the data directory to give the node's vse (as <c>VSE_HOME</c> in srun's environment, which srun exports).</summary>
    /// <param name="vse">How to start vse on the node (as in the batch script).</param>
    /// <param name="verb">The node vse's arguments, given the instance as the node knows it (<c>LOCAL-ID/LOCAL-INDEX</c>).</param>
    /// <exception cref="SlurmRequestException">No such instance, or its node has not reported it ready, or the job has ended.</exception>
    public static (IReadOnlyList<string> Arguments, string NodeHome) PlanInstance(
        SubmittedDeployment deployment, int index, IReadOnlyList<string> vse, Func<string, IReadOnlyList<string>> verb)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(verb);
        var hostnames = deployment.Job.Hostnames();
        if (index < 0 || index >= hostnames.Count)
        {
            throw new SlurmRequestException($"deployment {deployment.Id} has no instance {index} (it has {hostnames.Count})");
        }

        var jobId = RequireRunning(deployment);
        var hostname = hostnames[index];
        var node = deployment.Nodes.FirstOrDefault(n => n.Hostnames.Contains(hostname) && deployment.ReadyNodes.Contains(n.Node))
            ?? throw new SlurmRequestException($"instance {index} of {deployment.Id} ({hostname}) is not ready yet: its node has not reported it");
        var localIndex = node.Hostnames.ToList().IndexOf(hostname);
        return (Step(jobId, node, vse, verb($"{node.LocalDeploymentId}/{localIndex.ToString(CultureInfo.InvariantCulture)}")), node.Home);
    }

    /// <summary>One step per node, for every instance of the deployment (the node's vse takes all of its local deployment's instances).</summary>
    /// <param name="verb">The node vse's arguments, given the local deployment id.</param>
    /// <exception cref="SlurmRequestException">A node has not reported its instances ready, or the job has ended.</exception>
    public static IReadOnlyList<(NodeShareRecord Node, IReadOnlyList<string> Arguments)> PlanNodes(
        SubmittedDeployment deployment, IReadOnlyList<string> vse, Func<string, IReadOnlyList<string>> verb)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(verb);
        var jobId = RequireRunning(deployment);
        var ready = deployment.Nodes.Where(n => deployment.ReadyNodes.Contains(n.Node)).ToList();
        if (ready.Count < deployment.Job.Nodes)
        {
            throw new SlurmRequestException(
                $"deployment {deployment.Id} is not ready yet: {ready.Count} of {deployment.Job.Nodes} node(s) have reported their instances");
        }

        return [.. ready.Select(n => (n, Step(jobId, n, vse, verb(n.LocalDeploymentId))))];
    }

    private static long RequireRunning(SubmittedDeployment deployment) =>
        deployment.JobId is { } jobId && !deployment.Done
            ? jobId
            : throw new SlurmRequestException($"deployment {deployment.Id} is not running (its Slurm job {(deployment.JobId is null ? "was never submitted" : "has ended")})");

    private static IReadOnlyList<string> Step(long jobId, NodeShareRecord node, IReadOnlyList<string> vse, IReadOnlyList<string> arguments) =>
    [
        $"--jobid={jobId.ToString(CultureInfo.InvariantCulture)}", "--overlap", "--nodes=1", "--ntasks=1", $"--nodelist={node.Node}", "--quiet",
        .. vse, .. arguments,
    ];
}
