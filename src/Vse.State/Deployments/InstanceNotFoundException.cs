using Vse.Host;

namespace Vse.State.Deployments;

/// <summary>The deployment exists but has no instance with this index.</summary>
public sealed class InstanceNotFoundException(string deploymentId, int index)
    : StateException($"deployment {deploymentId} has no instance {index}"), IInputError
{
    public string DeploymentId { get; } = deploymentId;

    public int Index { get; } = index;
}
