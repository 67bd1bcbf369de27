namespace Vse.Runtime.Drivers;

/// <summary>
/// A driver that can write a running instance to a directory and bring it back from there.
/// <para>
/// What a checkpoint holds depends on the driver. A sandbox's holds its processes only (memory,
/// registers, open files, through CRIU): the instance's writable root stays in its state
/// directory, and a restore brings the processes back into the same instance, with its files as
/// they are then. A VM's holds the whole machine and a copy of its disk overlay, which must come
/// back together. Moving a running instance to another host is <see cref="IMigratable"/>.
/// </para>
/// A failed checkpoint leaves the instance and the directory as they were; a failed restore
/// leaves the instance stopped (its old processes were ended to make room) and the directory as it was.
/// </summary>
public interface ICheckpointable
{
    /// <summary>
    /// Writes the processes of a running instance to <paramref name="checkpointDirectory"/>,
    /// replacing a checkpoint already there only once the new one is complete.
    /// </summary>
    /// <param name="leaveRunning">
    /// Keep the instance running afterwards; otherwise its processes end with the checkpoint
    /// (state <see cref="InstanceState.Stopped"/>), so nothing changes after the moment saved.
    /// </param>
    Task CheckpointAsync(InstanceHandle handle, string checkpointDirectory, bool leaveRunning, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the instance's processes by those of the checkpoint in
    /// <paramref name="checkpointDirectory"/>: a running instance is stopped first. Afterwards the
    /// instance is <see cref="InstanceState.Running"/>.
    /// </summary>
    Task RestoreAsync(InstanceHandle handle, string checkpointDirectory, CancellationToken cancellationToken);
}
