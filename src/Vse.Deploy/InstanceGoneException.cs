namespace Vse.Deploy;

/// <summary>
/// A command could not start in an instance because the instance went away first (a concurrent
/// <c>vse cleanup</c> stopping it, its init killed): an infrastructure failure, said in words,
/// rather than the runtime's own report (runc: "error executing setns process") alone.
/// </summary>
public sealed class InstanceGoneException(string deploymentId, int index, Exception cause)
    : Exception($"instance {deploymentId}/{index} ended before the command could start (cleaned up, or its init was killed): {cause.Message}", cause);
