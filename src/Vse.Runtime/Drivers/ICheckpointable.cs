namespace Vse.Runtime.Drivers;

/// <summary>
/// A driver that can write a running instance's whole state to a directory (ending the
/// instance) and bring it back from there, possibly on another node.
/// </summary>
public interface ICheckpointable
{
    Task CheckpointAsync(InstanceHandle handle, string checkpointDirectory, CancellationToken cancellationToken);

    Task RestoreAsync(InstanceHandle handle, string checkpointDirectory, CancellationToken cancellationToken);
}
