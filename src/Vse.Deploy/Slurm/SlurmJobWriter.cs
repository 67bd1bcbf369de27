using Vse.Deploy.Network;
using Vse.Deploy.Preparation;
using Vse.Runtime.Drivers;
using Vse.State.Deployments;

namespace Vse.Deploy.Slurm;

/// <summary>
/// The job directory of a new deployment across Slurm nodes, what <c>vse submit</c> and
/// <c>vse deploy --slurm</c> share: the export for nodes without the image (unless
/// <see cref="StagingMode.Shared"/>), <c>job.json</c>, one SSH key pair for a private network's
/// instances on every node, and the batch script.
/// </summary>
public static class SlurmJobWriter
{
    /// <param name="nodeHomeRoot">The root of the nodes' data directories (<see cref="NodeShare.NodeHomeRoot"/>), where a broadcast lands.</param>
    /// <param name="vseCommandLine">How a node starts this same vse.</param>
    /// <param name="exported">Told the size of a broadcast export when one had to be made (not when cached).</param>
    public static async Task<(SlurmJob Job, JobDirectory Directory)> WriteAsync(
        PreparedDeployment prepared, int nodes, int perNode, IReadOnlyList<string> command, string? runtime, StagingMode staging, bool inAllocation,
        string nodeHomeRoot, IReadOnlyList<string> vseCommandLine, Action<long> exported, CancellationToken cancellationToken)
    {
        var deploymentId = DeploymentIds.New();
        var directory = JobDirectory.Of(prepared.Workspace.Home.Root, deploymentId);
        var broadcast = staging == StagingMode.Shared
            ? null
            : await BroadcastExport.PrepareAsync(
                prepared.Workspace.Home.Root, prepared.Configuration, BroadcastExport.DestinationFor(nodeHomeRoot, deploymentId), exported, cancellationToken);
        var isPrivate = prepared.Model.Network.Mode is { } mode && NetworkModes.Parse(mode) == NetworkMode.Private;
        int? vni = isPrivate ? VxlanNetworkIds.Choose(deploymentId, await TakenVnisAsync(prepared.Workspace.Home.Root, cancellationToken)) : null;
        var job = new SlurmJob(
            deploymentId, nodes, perNode, prepared.Configuration, command, prepared.Driver, runtime, prepared.GrantedMounts, staging, broadcast, inAllocation, vni);
        await directory.WriteJobAsync(job, cancellationToken);
        if (isPrivate)
        {
            // One key pair for the instances of every node (each node's own would open only its own).
            await DeploymentKeys.CreateAsync(directory.SshKeys, deploymentId, cancellationToken);
        }

        await File.WriteAllTextAsync(directory.BatchScript, BatchScript.Write(job, directory, vseCommandLine), cancellationToken);
        File.SetUnixFileMode(directory.BatchScript, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (job, directory);
    }

    /// <summary>
    /// The VNIs of this submit host's deployments whose job directory still exists (until <c>vse
    /// cleanup</c>): a deployment may still have fabrics on nodes while its directory is there.
    /// </summary>
    private static async Task<IReadOnlySet<int>> TakenVnisAsync(string vseHome, CancellationToken cancellationToken) =>
        (await SubmittedDeployment.ListAsync(vseHome, cancellationToken)).Select(d => d.Job.Vni).OfType<int>().ToHashSet();
}
