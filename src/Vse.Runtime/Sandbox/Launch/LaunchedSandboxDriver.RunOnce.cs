using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox.Launch;

public sealed partial class LaunchedSandboxDriver : IHandsOffOnce
{
    /// <summary>
    /// One launcher in the foreground (<c>vse-launch --once</c>): the instance's first process is
    /// the command, with this request's streams; the launcher writes its PID file before the
    /// command runs (what a later <c>vse cleanup</c> stops) and exits with the command's code. One
    /// process instead of a launch, a <c>vse-launch exec</c>, a stop and the waits between them.
    /// </summary>
    public async Task<int> RunOnceAsync(InstanceSpec spec, ExecRequest request, CancellationToken cancellationToken)
    {
        var (handle, arguments) = PrepareOnce(spec, request, []);
        try
        {
            return await RunLauncherAsync(arguments, request, "vse-launch:", $"cannot run in instance '{handle.Id}'", cancellationToken);
        }
        finally
        {
            await RemoveAsync(handle, CancellationToken.None);
        }
    }

    /// <summary>
    /// The same launcher, become by the caller (<c>execv</c>): it also removes the instance's
    /// state, its cgroups and then <paramref name="record"/> when it exits (<c>--discard</c>), and
    /// its own failures exit <paramref name="failureExitCode"/> with their line on stderr.
    /// </summary>
    public ProcessHandoff HandOffOnce(InstanceSpec spec, ExecRequest request, string record, int failureExitCode)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (_, arguments) = PrepareOnce(
            spec, request, ["--discard", Path.GetFullPath(record), "--failure-exit", failureExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return new ProcessHandoff(launcher, arguments);
    }

    /// <summary>The instance's state directory (and its cgroups when it has limits) made, and the launcher's arguments for it.</summary>
    private (InstanceHandle Handle, IReadOnlyList<string> Arguments) PrepareOnce(InstanceSpec spec, ExecRequest request, IEnumerable<string> onceOptions)
    {
        spec = DriverContract.RunOnceSpec(Name, spec, request);
        var shape = Shape(spec, hold: false);
        var handle = Prepare(spec);
        if (LaunchShape.HasLimits(spec))
        {
            // Never held: the limits are in place before the launcher puts the instance there.
            _cgroups.Create(spec);
            _cgroups.SetLimits(spec.Id, spec.Cpus, spec.MemoryBytes);
        }

        var line = new LaunchLine(spec.Id, spec.Hostname, Path.GetFullPath(spec.Rootfs), handle.StateDirectory, LaunchShape.NetworkFields(spec));
        return (handle, [.. shape.OnceArguments(line, request.Argv, request.WorkingDirectory, onceOptions)]);
    }
}
