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
        DriverContract.RequireCommand(request, "run");

        if (request.Tty)
        {
            throw new DriverCapabilityMissingException(Name, "run a one-shot command with a terminal", "deploy, then exec -t");
        }

        var env = new Dictionary<string, string>(spec.Env);
        foreach (var (key, value) in request.Env ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var handle = await PrepareBundleAsync(
            spec with { Env = env },
            request.Argv,
            oci => oci with { Process = oci.Process with { Cwd = request.WorkingDirectory ?? "/" } },
            cancellationToken);
        try
        {
            return await RunCommandAsync(handle, ["run", "--bundle", handle.StateDirectory, handle.Id], request, cancellationToken);
        }
        finally
        {
            await RemoveAsync(handle, CancellationToken.None);
        }
    }
}
