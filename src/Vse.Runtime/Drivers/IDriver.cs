namespace Vse.Runtime.Drivers;

/// <summary>
/// A way of running instances of a built configuration (an OCI runtime sandbox, a QEMU VM).
/// The life cycle every driver follows:
/// <list type="number">
/// <item><see cref="CreateAsync"/> prepares the instance (writable root over the read-only
/// configuration, limits, namespaces) without starting anything the user asked for: state
/// <see cref="InstanceState.Created"/>.</item>
/// <item><see cref="StartAsync"/> starts the instance's init (and its services): state
/// <see cref="InstanceState.Running"/>.</item>
/// <item><see cref="ExecAsync"/> runs a command inside a running instance and returns its exit
/// code; any number of times, concurrently.</item>
/// <item><see cref="StopAsync"/> asks the init to end and forces it after a timeout: state
/// <see cref="InstanceState.Stopped"/>. The writable state is kept.</item>
/// <item><see cref="RemoveAsync"/> releases everything the instance holds (processes, mounts,
/// writable state directory) whatever state it is in; removing twice is not an error.
/// <see cref="ReleaseAsync"/> does the same but for the state directory's files, for a caller
/// that frees those all at once.</item>
/// </list>
/// Optional abilities are separate interfaces (<see cref="ISuspendable"/>,
/// <see cref="ICheckpointable"/>, <see cref="IMigratable"/>, <see cref="IRunsOnce"/>,
/// <see cref="IStartsMany"/>), announced in <see cref="Capabilities"/> where the host decides;
/// a caller that needs one goes through <see cref="DriverAbilities"/> so a missing one is a clear
/// error. Drivers are made, by name or from a deployment's record, by <see cref="DriverCatalog"/>,
/// the only code that knows their concrete types.
/// </summary>
public interface IDriver
{
    /// <summary>The name users choose the driver by (<c>sandbox</c>, <c>vm</c>).</summary>
    string Name { get; }

    DriverCapabilities Capabilities { get; }

    /// <summary>Whether instances boot a kernel of their own, so their spec needs <see cref="InstanceSpec.Boot"/> (VMs); sandboxes share the host's.</summary>
    bool BootsKernel { get; }

    /// <summary>
    /// How many instances a cleanup stops and removes at once: many where a stop is a signal and
    /// a look at /proc, a few where each costs a runtime process or a guest's shutdown.
    /// </summary>
    int StopsAtOnce { get; }

    Task<InstanceHandle> CreateAsync(InstanceSpec spec, CancellationToken cancellationToken);

    Task StartAsync(InstanceHandle handle, CancellationToken cancellationToken);

    /// <returns>The command's exit code; 127 when the command does not exist in the instance.</returns>
    Task<int> ExecAsync(InstanceHandle handle, ExecRequest request, CancellationToken cancellationToken);

    /// <summary>Ends the instance: a polite signal, then a forced one after <paramref name="timeout"/>.</summary>
    Task StopAsync(InstanceHandle handle, TimeSpan timeout, CancellationToken cancellationToken);

    Task RemoveAsync(InstanceHandle handle, CancellationToken cancellationToken);

    /// <summary>
    /// What <see cref="RemoveAsync"/> does but delete the state directory: every process, mount,
    /// cgroup and runtime record of the instance is gone after it, its files are left. For the
    /// cleanup of a deployment whose state directories are all in a tmpfs of its own, detached
    /// whole afterwards (<c>deploy.writes: memory</c>): walking and deleting them first is CPU
    /// spent for nothing.
    /// </summary>
    Task ReleaseAsync(InstanceHandle handle, CancellationToken cancellationToken);

    Task<InstanceStatus> StateAsync(InstanceHandle handle, CancellationToken cancellationToken);

    /// <summary>
    /// The host PID of a started instance's first process (its init, its QEMU), as cheaply as the
    /// driver knows it (a PID file before a runtime or monitor process); null when it has none.
    /// </summary>
    Task<int?> PidAsync(InstanceHandle handle, CancellationToken cancellationToken);
}
