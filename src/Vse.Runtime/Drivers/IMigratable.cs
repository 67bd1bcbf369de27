namespace Vse.Runtime.Drivers;

/// <summary>
/// A driver that can move a running instance to another host while it runs (live migration):
/// its memory is copied over the network while it goes on running, then it stops on the source
/// and carries on at the destination, processes, open files and all. Storage is shared (the
/// instance's state directory is reachable from both hosts); only the machine moves.
/// </summary>
public interface IMigratable
{
    Task MigrateAsync(InstanceHandle handle, MigrationTarget target, CancellationToken cancellationToken);
}
