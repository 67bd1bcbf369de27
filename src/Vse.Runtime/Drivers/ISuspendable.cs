namespace Vse.Runtime.Drivers;

/// <summary>
/// A driver that can freeze every process of a running instance (state
/// <see cref="InstanceState.Paused"/>) and thaw them again, keeping memory in place.
/// </summary>
public interface ISuspendable
{
    Task SuspendAsync(InstanceHandle handle, CancellationToken cancellationToken);

    Task ResumeAsync(InstanceHandle handle, CancellationToken cancellationToken);
}
