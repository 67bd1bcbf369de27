namespace Vse.Deploy;

/// <summary>Instances of a deployment did not start, so the whole deployment was removed.</summary>
public sealed class DeploymentFailedException(string deploymentId, int total, IReadOnlyList<InstanceFailure> failures) : Exception(
    $"{failures.Count} of {total} instance(s) of deployment {deploymentId} did not start, so it was cleaned up; "
    + $"{failures[0].Hostname}: {failures[0].Reason}"
    + (failures.Count > 1 ? $" (and {failures.Count - 1} more; --keep-partial keeps the instances that start)" : ""))
{
    public IReadOnlyList<InstanceFailure> Failures { get; } = failures;
}
