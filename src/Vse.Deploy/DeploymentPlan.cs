using Vse.Deploy.Network;
using Vse.Runtime.Drivers;
using Vse.Runtime.Mpi;

namespace Vse.Deploy;

/// <summary>How to start a deployment.</summary>
/// <param name="RuntimeName">The OCI runtime to use, or null for the first that works here (sandbox driver only).</param>
/// <param name="KeepPartial">Keep the instances that started when others fail, instead of removing all.</param>
/// <param name="Parallelism">
/// Instances created at once. More than 4 does not start 1,000 runc containers any faster on
/// 2 cores (docs/host-facts.md, "Starting many sandboxes"), and every one in flight is a runtime process.
/// </param>
/// <param name="Driver">The driver's name: <c>sandbox</c> or <c>vm</c>.</param>
/// <param name="GrantedMounts">
/// The description's mounts as <see cref="DeployPolicy.GrantMounts"/> cleared them; required when
/// the description has mounts (its own paths are never mounted unchecked).
/// </param>
/// <param name="FirstHostIndex">
/// The number in the first instance's hostname (<c>NAME-FirstHostIndex</c>): a node's share of a
/// deployment across Slurm nodes is named as part of the whole (node r of K each starts at r x K).
/// </param>
/// <param name="Span">
/// With <c>network: private</c>, for a share of a deployment across hosts: the private network of the
/// whole (addresses, names, keys; this share's instances are the network's FirstHostIndex on), joined
/// to the other hosts' fabrics. Null: the network holds this deployment's instances only.
/// </param>
/// <param name="DescriptionPath">The description file deployed, recorded with the deployment (<c>vse commit</c> extends it).</param>
/// <param name="HostMpi">
/// With <c>mpi: host</c>, the grant the preparation selected on this host
/// (<see cref="Preparation.PreparedDeployment.HostMpi"/>); null: the deployment looks at this host
/// itself (a Slurm node's share, prepared on the submit host).
/// </param>
public sealed record DeploymentPlan(
    int Instances, string? RuntimeName = null, bool KeepPartial = false, int Parallelism = 4, string Driver = DriverCatalog.Sandbox,
    IReadOnlyList<InstanceMount>? GrantedMounts = null, int FirstHostIndex = 0, NetworkSpan? Span = null,
    string? DescriptionPath = null, HostMpiGrant? HostMpi = null);
