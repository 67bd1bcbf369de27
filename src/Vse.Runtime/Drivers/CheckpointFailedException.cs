namespace Vse.Runtime.Drivers;

/// <summary>
/// A checkpoint or restore was tried and the tool doing it (CRIU, for the sandbox driver) failed.
/// <see cref="ICheckpointable"/> promises the instance and the checkpoint directory are as they were.
/// </summary>
/// <param name="operation">"checkpoint" or "restore".</param>
/// <param name="reason">The tool's own explanation, one line.</param>
public sealed class CheckpointFailedException(string operation, string instanceId, string reason)
    : Exception($"{operation} of instance '{instanceId}' failed: {reason}")
{
    public string Operation { get; } = operation;

    public string InstanceId { get; } = instanceId;

    public string Reason { get; } = reason;
}
