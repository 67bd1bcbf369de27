namespace Vse.Deploy;

/// <summary>
/// A command run in an instance was killed because the instance itself went away meanwhile
/// (a concurrent <c>vse cleanup</c>, its init killed, out of memory): an infrastructure failure,
/// said in words, rather than the bare signal exit code of the command.
/// </summary>
public sealed class InstanceEndedException(string deploymentId, int index, int exitCode)
    : Exception($"instance {deploymentId}/{index} ended while the command ran (cleaned up, or its init was killed), so the command was killed too (its exit code {exitCode})");
