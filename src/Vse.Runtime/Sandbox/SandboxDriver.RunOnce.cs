using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox;

public sealed partial class SandboxDriver : IRunsOnce
{
    /// <summary>
    /// <c>runc run</c> of a bundle whose first process is the command: the runtime creates,
    /// starts, waits and deletes in one invocation, and hands the command its own standard streams.
    /// </summary>
    public async Task<int> RunOnceAsync(InstanceSpec spec, ExecRequest request, CancellationToken cancellationToken)
    {
        var handle = await PrepareBundleAsync(
            DriverContract.RunOnceSpec(Name, spec, request),
            request.Argv,
            oci => oci with { Process = oci.Process with { Cwd = request.WorkingDirectory ?? "/" } },
            discarded: true,
            cancellationToken);
        try
        {
            // The init's PID where vse ps reads it (InstanceProcess), as create's --pid-file and vse-launch --once write it.
            return await RunCommandAsync(handle, ["run", "--bundle", handle.StateDirectory, "--pid-file", InstanceProcess.PidFile(handle), handle.Id], request, cancellationToken);
        }
        finally
        {
            await RemoveAsync(handle, CancellationToken.None);
        }
    }
}
