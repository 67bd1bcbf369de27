using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Runtime.Drivers;
using Vse.Runtime.Processes;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// The sandbox driver's bulk launch path: instances made by <c>vse-launch</c>, one process that
/// clones them all (native/vse-launch), instead of an OCI runtime process per instance (~70 ms
/// each here; bench/RESULTS.md). The same confinement as the runc instances (namespaces, overlay
/// root in the instance's own mount namespace, pivot_root, masked paths, Docker's capabilities,
/// no_new_privs, vse's seccomp filter, cgroups with runc's device rules), the same init and state directory layout;
/// no host network, no checkpoint. As an ordinary user each instance also gets a user namespace
/// in which the user alone is root (as the runc path's rootless config), no private network,
/// and a cgroup only in a subtree delegated to the user (<see cref="Host.CgroupPlacer"/>).
/// </summary>
/// <param name="launcher">The <c>vse-launch</c> binary.</param>
/// <param name="filterDirectory">
/// Where the compiled syscall filter is kept for every launch (<see cref="LaunchSeccompFilter.EnsureShared"/>,
/// vse's home); null: one per deployment, beside its instances.
/// </param>
public sealed partial class LaunchedSandboxDriver(string launcher, string? filterDirectory = null) : IDriver, ISuspendable, IStartsMany
{
    /// <summary>The name users choose it by (<c>--runtime vse-launch</c>) and <c>vse ps</c> shows (<c>sandbox:vse-launch</c>).</summary>
    public const string RuntimeName = "vse-launch";

    /// <summary>
    /// Sessions of the instances this driver created and has not started yet, by instance id:
    /// create and start are separate calls, and between them the instance is a clone the
    /// launcher holds before its init, on a pipe only this process has. So this driver object
    /// alone can start it. Another driver object, or a later vse process, given the same
    /// <see cref="InstanceHandle"/>, can ask its state, stop and remove it (its PID file and
    /// cgroup say all that), but never start it (<see cref="StartAsync"/> refuses); and once this
    /// process ends, its session's pipe closes and the launcher ends the held instance, which a
    /// later process then finds stopped. A deploy never holds instances across calls
    /// (<see cref="StartManyAsync"/> creates and starts in one).
    /// </summary>
    private readonly ConcurrentDictionary<string, LaunchSession> _held = new(StringComparer.Ordinal);

    /// <summary>Instances whose state directories are made before their lines go to the launcher (<see cref="StartManyAsync"/>).</summary>
    private const int PrepareChunk = 32;

    private static readonly TimeSpan StopPollInterval = TimeSpan.FromMilliseconds(10);

    private readonly LaunchCgroups _cgroups = new(Host.CgroupPlacer.ForThisProcess());

    /// <summary>vse runs unprivileged: instances get a user namespace (<c>vse-launch --userns</c>).</summary>
    private readonly bool _rootless = !Environment.IsPrivilegedProcess;

    public string Name => SandboxDriver.DriverName;

    public bool BootsKernel => false;

    /// <summary>A stop is a signal and a look at /proc, no runtime process each: many at once.</summary>
    public int StopsAtOnce => 64;

    public DriverCapabilities Capabilities => new(
        Exec: true,
        Suspend: _cgroups.CanFreeze,
        Checkpoint: false,
        Migrate: false,
        // Rootless, the launcher joins the private network's fabric user namespace (--fabric-userns)
        // and makes the instances in it; so for a shared network namespace (--netns).
        NetworkModes: new HashSet<NetworkMode> { NetworkMode.None, NetworkMode.Private },
        Limitation: "the vse-launch path gives no instance the host's network and cannot checkpoint"
            + (_cgroups.Placement.Path is null ? $"; its instances get no cgroup here: {_cgroups.Placement.Reason}" : ""),
        Cgroups: _cgroups.Placement,
        SharedNetwork: true);

    /// <summary>Where vse finds the launcher: <c>VSE_LAUNCH</c>, beside vse itself, or on PATH; null when it is not built.</summary>
    public static string? FindLauncher() => Host.BundledTool.Launcher();

    public async Task<InstanceHandle> CreateAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        var session = LaunchSession.Start(launcher, Shape(spec, hold: true));
        try
        {
            var handle = await AddAsync(session, spec, cancellationToken);
            _held[handle.Id] = session;
            return handle;
        }
        catch
        {
            await session.DisposeAsync();
            await RemoveAsync(new InstanceHandle(Name, spec.Id, Path.GetFullPath(spec.StateDirectory)), CancellationToken.None);
            throw;
        }
    }

    public async Task StartAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        if (!_held.TryRemove(handle.Id, out var session))
        {
            throw new InvalidOperationException($"instance '{handle.Id}' was not created by this driver; vse-launch instances start by the driver that created them");
        }

        await using (session)
        {
            await session.StartAsync(handle.Id, cancellationToken);
        }
    }

    /// <summary>
    /// Creates and starts many instances of one shape with one launcher: each is set up (its
    /// private network plugged in by the launcher) and, when it has limits, held while vse writes
    /// them, then started; all as they come. An instance that fails is removed and reported in the result;
    /// the others go on.
    /// </summary>
    public async Task<IReadOnlyList<StartOutcome>> StartManyAsync(
        IReadOnlyList<InstanceSpec> specs, Action<StartOutcome>? onDone, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(specs.Count);
        var shape = Shape(specs[0], hold: LaunchShape.HasLimits(specs[0]));
        // One launcher's instances share their cgroup arguments: with a memory limit or without.
        if (specs.FirstOrDefault(s => !shape.Fits(s, FilterPathOf(s)) || s.MemoryBytes is null != specs[0].MemoryBytes is null) is { } odd)
        {
            throw new ArgumentException($"instance '{odd.Id}' differs in env, mounts or services from the others of its launch", nameof(specs));
        }

        var outcomes = new StartOutcome[specs.Count];
        // The launcher first, then state directories in chunks, each chunk's lines written as soon
        // as its directories exist: the launcher clones the first instances while vse prepares
        // the next (~1 s of mkdir at 1,024 instances that no longer comes before the first clone).
        // One chunk at a time, in this thread: the launcher and its children need the other core.
        await using var session = LaunchSession.Start(launcher, shape);
        var handles = new InstanceHandle?[specs.Count];
        var running = new List<Task>(specs.Count);
        try
        {
            foreach (var chunk in Enumerable.Range(0, specs.Count).Chunk(PrepareChunk))
            {
                var wanted = new List<int>(chunk.Length);
                foreach (var index in chunk)
                {
                    try
                    {
                        handles[index] = Prepare(specs[index]);
                        wanted.Add(index);
                    }
                    catch (Exception e) when (e is IOException or ArgumentException)
                    {
                        outcomes[index] = await FailedAsync(specs[index], e);
                        onDone?.Invoke(outcomes[index]);
                    }
                }

                var held = await session.AddManyAsync(
                    [.. wanted.Select(i => new LaunchLine(specs[i].Id, specs[i].Hostname, Path.GetFullPath(specs[i].Rootfs), handles[i]!.StateDirectory, LaunchShape.NetworkFields(specs[i])))],
                    cancellationToken);
                running.AddRange(wanted.Select((index, n) => StartOneAsync(index, held[n])));
            }
        }
        catch
        {
            // The launcher has gone or the deploy was cancelled: the instances already asked for
            // end (started or removed) before the caller cleans up after us.
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await Task.WhenAll(running);
        return outcomes;

        async Task StartOneAsync(int index, Task<int> setUp)
        {
            var (spec, handle) = (specs[index], handles[index]!);
            try
            {
                var pid = await setUp.WaitAsync(cancellationToken);
                await HeldAsync(handle, spec, pid, cancellationToken);
                if (shape.Hold)
                {
                    await session.StartAsync(spec.Id, cancellationToken);
                }

                outcomes[index] = new StartOutcome(spec, handle, pid, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outcomes[index] = await FailedAsync(spec, e);
            }

            onDone?.Invoke(outcomes[index]);
        }
    }

    public async Task<int> ExecAsync(InstanceHandle handle, ExecRequest request, CancellationToken cancellationToken)
    {
        DriverContract.RequireCommand(request);
        var pid = LiveInitPid(handle) ?? throw new IOException($"instance '{handle.Id}' is not running");
        var env = InstanceEnvironment(pid);
        foreach (var (key, value) in request.Env ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var cwd = request.WorkingDirectory ?? "/";
        // The instance's own filter: a command run in it is confined as its first process is.
        List<string> arguments = ["exec", pid.ToString(CultureInfo.InvariantCulture), "--cwd", cwd, "--seccomp", EnsureFilter(handle.StateDirectory)];
        foreach (var (key, value) in env)
        {
            arguments.AddRange(["--env", $"{key}={value}"]);
        }

        arguments.Add("--");
        arguments.AddRange(request.Argv);
        if (request.Tty)
        {
            return await StreamingProcess.RunAttachedAsync(launcher, arguments, cancellationToken);
        }

        return await RunLauncherAsync(arguments, request, "vse-launch exec:", $"cannot run in instance '{handle.Id}' (working directory {cwd})", cancellationToken);
    }

    public async Task StopAsync(InstanceHandle handle, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (LiveInitPid(handle) is not { } pid)
        {
            return;
        }

        if (_cgroups.IsFrozen(handle.Id))
        {
            // A frozen init cannot act on SIGTERM.
            await _cgroups.FreezeAsync(handle.Id, false, cancellationToken);
        }

        if (!await SignalAndWaitAsync(pid, _cgroups.Placement.InstanceCgroups(handle.Id), Signal.Term, timeout, cancellationToken)
            && !await SignalAndWaitAsync(pid, _cgroups.Placement.InstanceCgroups(handle.Id), Signal.Kill, TimeSpan.FromSeconds(10), cancellationToken))
        {
            throw new IOException($"instance '{handle.Id}' did not stop after SIGKILL");
        }
    }

    public async Task RemoveAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        await ReleaseAsync(handle, cancellationToken);
        TreeDeleter.Delete(handle.StateDirectory, cancellationToken);
    }

    /// <remarks>The launcher's hold, the init (its mount namespace, with the overlay, ends with it) and the cgroups.</remarks>
    public async Task ReleaseAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        if (_held.TryRemove(handle.Id, out var session))
        {
            await session.DisposeAsync();
        }

        if (LiveInitPid(handle) is { } pid)
        {
            await _cgroups.FreezeAsync(handle.Id, false, cancellationToken);
            await SignalAndWaitAsync(pid, _cgroups.Placement.InstanceCgroups(handle.Id), Signal.Kill, TimeSpan.FromSeconds(10), cancellationToken);
        }

        await _cgroups.RemoveAsync(handle.Id, cancellationToken);
    }

    public Task<InstanceStatus> StateAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(handle.StateDirectory))
        {
            return Task.FromResult(new InstanceStatus(InstanceState.Missing, null));
        }

        var pid = InstanceProcess.Pid(handle);
        var state = pid is null || HostProcess.HasEnded(pid.Value, _cgroups.Placement.InstanceCgroups(handle.Id)) ? InstanceState.Stopped
            : _held.ContainsKey(handle.Id) ? InstanceState.Created
            : _cgroups.IsFrozen(handle.Id) ? InstanceState.Paused
            : InstanceState.Running;
        return Task.FromResult(new InstanceStatus(state, state == InstanceState.Stopped ? null : pid));
    }

    public async Task<int?> PidAsync(InstanceHandle handle, CancellationToken cancellationToken) => (await StateAsync(handle, cancellationToken)).Pid;

    public Task SuspendAsync(InstanceHandle handle, CancellationToken cancellationToken) => _cgroups.FreezeAsync(handle.Id, true, cancellationToken);

    public Task ResumeAsync(InstanceHandle handle, CancellationToken cancellationToken) => _cgroups.FreezeAsync(handle.Id, false, cancellationToken);

    private LaunchShape Shape(InstanceSpec spec, bool hold)
    {
        if (spec.Network == NetworkMode.Host)
        {
            throw new DriverCapabilityMissingException($"{Name}:{RuntimeName}", "share the host's network", "every instance gets its own network namespace; use --runtime runc");
        }

        if (spec.Mounts.FirstOrDefault(m => m.Source.Contains(':') || m.Target.Contains(':')) is { } odd)
        {
            throw new ArgumentException($"the {RuntimeName} path cannot bind a path with ':' ({odd.Source} -> {odd.Target})");
        }

        DriverAbilities.RequireNetworkMode(this, spec.Network);
        var (own, shared) = _cgroups.RootsFor(spec);
        return LaunchShape.Of(spec, spec.Security?.SeccompUnconfined == true ? null : EnsureFilter(spec.StateDirectory), own, hold, _rootless, shared);
    }

    /// <summary>The compiled filter's file for an instance like <paramref name="spec"/>, or null for none; not written here.</summary>
    private string? FilterPathOf(InstanceSpec spec) =>
        spec.Security?.SeccompUnconfined == true ? null
        : filterDirectory is null ? LaunchSeccompFilter.PathFor(spec.StateDirectory)
        : LaunchSeccompFilter.SharedPath(filterDirectory);

    /// <summary>The compiled filter's file for the instance with <paramref name="stateDirectory"/>, compiled first when it is not there.</summary>
    private string EnsureFilter(string stateDirectory) =>
        filterDirectory is null ? LaunchSeccompFilter.Ensure(stateDirectory) : LaunchSeccompFilter.EnsureShared(filterDirectory);

    private async Task<InstanceHandle> AddAsync(LaunchSession session, InstanceSpec spec, CancellationToken cancellationToken)
    {
        var handle = Prepare(spec);
        var held = await session.AddManyAsync([new LaunchLine(spec.Id, spec.Hostname, Path.GetFullPath(spec.Rootfs), handle.StateDirectory, LaunchShape.NetworkFields(spec))], cancellationToken);
        var pid = await held[0];
        await HeldAsync(handle, spec, pid, cancellationToken);
        return handle;
    }

    /// <summary>The state directory with the overlay's upper and work directories; the launcher mounts the overlay (and makes <c>rootfs/</c> when it pivots into it).</summary>
    private InstanceHandle Prepare(InstanceSpec spec)
    {
        var handle = InstanceStateDirectory.Claim(Name, spec);
        new OverlayRoot(Path.GetFullPath(spec.Rootfs), handle.StateDirectory).MakeLayers();
        return handle;
    }

    /// <summary>Once an instance is set up: its PID recorded, its limits written (it is held then, when it has any).</summary>
    private async Task HeldAsync(InstanceHandle handle, InstanceSpec spec, int pid, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(InstanceProcess.PidFile(handle), pid.ToString(CultureInfo.InvariantCulture), cancellationToken);
        _cgroups.SetLimits(spec.Id, spec.Cpus, spec.MemoryBytes);
    }

    private async Task<StartOutcome> FailedAsync(InstanceSpec spec, Exception error)
    {
        await RemoveAsync(new InstanceHandle(Name, spec.Id, Path.GetFullPath(spec.StateDirectory)), CancellationToken.None);
        return new StartOutcome(spec, null, null, error.Message.ReplaceLineEndings(" "));
    }

    /// <summary>The init's PID while it runs; checked to be in the instance's cgroup, so a PID the host has given to another process is never signalled.</summary>
    private int? LiveInitPid(InstanceHandle handle) =>
        InstanceProcess.Pid(handle) is { } pid && !HostProcess.HasEnded(pid, _cgroups.Placement.InstanceCgroups(handle.Id)) ? pid : null;

    /// <summary>The instance's environment: its init's, which the launcher set from the description.</summary>
    private static Dictionary<string, string> InstanceEnvironment(int pid)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=');
            if (equals > 0)
            {
                env[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return env;
    }

    private static async Task<bool> SignalAndWaitAsync(int pid, IReadOnlyList<string> cgroups, Signal signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (HostProcess.HasEnded(pid, cgroups))
        {
            return true;
        }

        Signals.Send(pid, signal);
        return await DriverContract.WaitEndedAsync(_ => Task.FromResult(HostProcess.HasEnded(pid, cgroups)), timeout, StopPollInterval, cancellationToken);
    }

    /// <summary>
    /// Runs the launcher with the request's streams as its own; its exit code is the command's,
    /// except 125 with a last line of the launcher's own (<paramref name="failurePrefix"/>): it
    /// could not get the command going (a missing working directory, the instance gone).
    /// </summary>
    private async Task<int> RunLauncherAsync(IReadOnlyList<string> arguments, ExecRequest request, string failurePrefix, string what, CancellationToken cancellationToken)
    {
        var errors = new TailStream(request.Stderr);
        var exitCode = await StreamingProcess.RunAsync(launcher, arguments, request.Stdin, request.Stdout, errors, cancellationToken);
        return exitCode == 125 && errors.LastLine.StartsWith(failurePrefix, StringComparison.Ordinal)
            ? throw new IOException($"{what}: {errors.LastLine}")
            : exitCode;
    }

    /// <summary>Passes bytes on and keeps the last line, to tell the launcher's own failure from the command's output.</summary>
    private sealed class TailStream(Stream? inner) : Stream
    {
        private readonly StringBuilder _tail = new();

        public string LastLine => _tail.ToString().TrimEnd('\n').Split('\n')[^1];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner?.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _tail.Append(Encoding.UTF8.GetString(buffer.Span));
            if (_tail.Length > 4096)
            {
                _tail.Remove(0, _tail.Length - 1024);
            }

            if (inner is not null)
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
        }
    }
}
