using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.State.Configurations;

namespace Vse.Deploy.Preparation;

/// <summary>A configuration built and cleared by policy for deployment, with the model of the description it came from.</summary>
public sealed record PreparedDeployment(
    ConfigurationRecord Configuration, RuntimeModel Model, Workspace Workspace, string Driver, int Instances, int PerNode,
    IReadOnlyList<InstanceMount> GrantedMounts);
