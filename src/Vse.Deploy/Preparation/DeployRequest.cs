namespace Vse.Deploy.Preparation;

/// <summary>What a command asks <see cref="DeploymentPreparer"/> for; null values come from the description.</summary>
/// <param name="InstancesOption">The option that set <paramref name="Instances"/>, for messages (<c>submit</c> computes it from <c>--nodes</c>).</param>
public sealed record DeployRequest(int? Instances, int? PerNode, string? Driver, string InstancesOption = "--instances");
