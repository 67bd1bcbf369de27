namespace Vse.Deploy;

/// <summary>A started deployment, and the instances that failed when the plan kept a partial one.</summary>
public sealed record DeployResult(Vse.State.Deployments.Deployment Deployment, IReadOnlyList<InstanceFailure> Failures);
