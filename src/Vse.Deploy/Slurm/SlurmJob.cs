using Vse.Runtime.Drivers;
using Vse.State.Configurations;

namespace Vse.Deploy.Slurm;

/// <summary>
/// What every node's vse needs to start its share of a deployment across Slurm nodes, written by
/// <c>vse submit</c> to <see cref="JobDirectory.JobFile"/> before submission and read by
/// <c>vse slurm-node</c> on each node. Instance <c>i</c> runs on the node of rank <c>i / PerNode</c>.
/// </summary>
/// <param name="DeploymentId">The deployment's id across all nodes (each node's own records have a local id).</param>
/// <param name="Configuration">The configuration as built on the submit host; its root filesystem reaches the nodes by <see cref="ImageStaging"/>.</param>
/// <param name="Command">What runs once on instance 0 when all instances are ready (argv); empty for <c>vse deploy --slurm</c>, whose instances run until <c>vse cleanup</c>.</param>
/// <param name="Driver">The driver name (<c>sandbox</c>).</param>
/// <param name="Runtime">The OCI runtime or launcher to use, or null for the first that works on the node.</param>
/// <param name="GrantedMounts">The description's mounts as deploy-time policy cleared them on the submit host (paths must be the same on the nodes).</param>
/// <param name="Staging">Which routes the nodes may take to the image (<see cref="ImageStaging"/>).</param>
/// <param name="Broadcast">The export sbcast carries to nodes that need it; null with <see cref="StagingMode.Shared"/>.</param>
/// <param name="Vni">With a private network: the VXLAN network identifier that joins the nodes' fabrics (<see cref="Network.VxlanNetworkIds"/>), chosen once by the submit host.</param>
/// <param name="InAllocation">Started by <c>vse deploy --slurm</c> as a step of an existing allocation (salloc), not as a batch job of its own: cleanup ends the step, not the job.</param>
public sealed record SlurmJob(
    string DeploymentId,
    int Nodes,
    int PerNode,
    ConfigurationRecord Configuration,
    IReadOnlyList<string> Command,
    string Driver,
    string? Runtime,
    IReadOnlyList<InstanceMount> GrantedMounts,
    StagingMode Staging = StagingMode.Shared,
    BroadcastImage? Broadcast = null,
    bool InAllocation = false,
    int? Vni = null)
{
    public int Instances => Nodes * PerNode;

    /// <summary>The name of the srun step that runs the nodes' shares in an existing allocation (<see cref="InAllocation"/>).</summary>
    public string StepName => "vse-" + DeploymentId;

    /// <summary>Every instance's hostname, in index order (<c>NAME-0</c> ... <c>NAME-(N*K-1)</c>), as the deployment's hostfile lists them.</summary>
    public IReadOnlyList<string> Hostnames() =>
        [.. Enumerable.Range(0, Instances).Select(i => $"{InstanceSpecs.Label(Configuration.Name)}-{i}")];

    /// <summary>The MPI hostfile of the whole deployment: one line per instance on every node, <c>HOSTNAME slots=1</c>.</summary>
    public string Hostfile() => string.Concat(Hostnames().Select(h => h + " slots=1\n"));
}
