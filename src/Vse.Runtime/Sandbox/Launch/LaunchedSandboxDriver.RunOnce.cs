using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox.Launch;

public sealed partial class LaunchedSandboxDriver : IRunsOnce
{
    /// <summary>
    /// One launcher in the foreground (<c>vse-launch --once</c>): the instance's first process is
    /// the command, with this request's streams; the launcher writes its PID file before the
    /// command runs (what a later <c>vse cleanup</c> stops) and exits with the command's code. One
    /// process instead of a launch, a <c>vse-launch exec</c>, a stop and the waits between them.
    /// </summary>
    public async Task<int> RunOnceAsync(InstanceSpec spec, ExecRequest request, CancellationToken cancellationToken)
    {
        spec = DriverContract.RunOnceSpec(Name, spec, request);
        var shape = Shape(spec, hold: false);
        var handle = Prepare(spec);
        try
        {
            if (LaunchShape.HasLimits(spec))
            {
                // Never held: the limits are in place before the launcher puts the instance there.
                _cgroups.Create(spec);
                _cgroups.SetLimits(spec.Id, spec.Cpus, spec.MemoryBytes);
            }

            var line = new LaunchLine(spec.Id, spec.Hostname, Path.GetFullPath(spec.Rootfs), handle.StateDirectory, LaunchShape.NetworkFields(spec));
            return await RunLauncherAsync([.. shape.OnceArguments(line, request.Argv, request.WorkingDirectory)], request, "vse-launch:", $"cannot run in instance '{spec.Id}'", cancellationToken);
        }
        finally
        {
            await RemoveAsync(handle, CancellationToken.None);
        }
    }
}
