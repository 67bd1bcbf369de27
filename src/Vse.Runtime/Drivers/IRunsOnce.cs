namespace Vse.Runtime.Drivers;

/// <summary>
/// A driver that can run one command as a whole instance's life: created with the command as
/// its first process, gone when the command ends. What <c>vse run</c> needs, for the price of
/// one runtime invocation instead of create, start, exec, stop and remove; an instance run this
/// way has no init, so no services.
/// </summary>
public interface IRunsOnce
{
    /// <returns>The command's exit code; 127 when the command does not exist in the instance.</returns>
    Task<int> RunOnceAsync(InstanceSpec spec, ExecRequest request, CancellationToken cancellationToken);
}
