using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.Runtime.Mpi;
using Vse.State.Configurations;

namespace Vse.Deploy.Preparation;

/// <summary>A configuration built and cleared by policy for deployment, with the model of the description it came from.</summary>
public sealed record PreparedDeployment(
    ConfigurationRecord Configuration, RuntimeModel Model, Workspace Workspace, string Driver, int Instances, int PerNode,
    IReadOnlyList<InstanceMount> GrantedMounts)
{
    /// <summary>
    /// With <c>mpi: host</c> (not on a VM), the host's MPI as the preparation selected it for the
    /// built image on this host, with its dependencies: handed to the deployment
    /// (<see cref="DeploymentPlan.HostMpi"/>) so the host is looked at once.
    /// </summary>
    public HostMpiGrant? HostMpi { get; init; }
}
