using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox;

public sealed partial class SandboxDriver : IRunsOnce
{
    /// <summary>
    /// How many earlier runs' state directories a run deletes from the trash while its runtime
    /// starts: more than one, so that the trash shrinks when runs were killed or ran at once, and
    /// few, so that a run never waits on a backlog (<c>vse gc</c> empties the rest).
    /// </summary>
    internal const int TrashEntriesPerRun = 4;

    /// <summary>
    /// <c>runc run</c> of a bundle whose first process is the command: the runtime creates,
    /// starts, waits and deletes in one invocation, and hands the command its own standard streams.
    /// </summary>
    /// <remarks>
    /// The state directory is gone when this returns, but not deleted while the user waits: with a
    /// trash, it is moved there by one rename (the runtime deleted the container and its mounts
    /// went with the container's mount namespace), and earlier runs' directories are deleted from
    /// the trash while the runtime starts, which takes it tens of milliseconds that vse spends waiting.
    /// </remarks>
    public async Task<int> RunOnceAsync(InstanceSpec spec, ExecRequest request, CancellationToken cancellationToken)
    {
        var handle = await PrepareBundleAsync(
            DriverContract.RunOnceSpec(Name, spec, request),
            request.Argv,
            oci => oci with { Process = oci.Process with { Cwd = request.WorkingDirectory ?? "/" } },
            discarded: true,
            cancellationToken);
        var emptying = trash is null ? Task.CompletedTask : Task.Run(() => trash.Empty(TrashEntriesPerRun, cancellationToken: CancellationToken.None), CancellationToken.None);
        try
        {
            // The init's PID where vse ps reads it (InstanceProcess), as create's --pid-file and vse-launch --once write it.
            return await RunCommandAsync(handle, ["run", "--bundle", handle.StateDirectory, "--pid-file", InstanceProcess.PidFile(handle), handle.Id], request, cancellationToken);
        }
        finally
        {
            // A container the runtime still knows (it failed before its own delete) is removed as any instance is.
            if (KnownToRuntime(handle) || trash?.TryDiscard(handle.StateDirectory) != true)
            {
                await RemoveAsync(handle, CancellationToken.None);
            }

            await emptying;
        }
    }
}
