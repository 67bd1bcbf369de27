using System.Text.Json;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Oci;
using Vse.Runtime.Processes;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// Instances as OCI containers run by crun or runc: an overlay root over the configuration,
/// the namespaces, limits and mounts of <see cref="OciSpecBuilder"/>, and a small init.
/// The instance's state directory is also its OCI bundle:
/// <c>config.json</c>, <c>rootfs/</c> (the merged overlay), <c>upper/</c>, <c>work/</c>, <c>init.log</c>.
/// </summary>
/// <param name="runtimeRoot">The runtime's own state directory (<c>--root</c>), private to vse.</param>
/// <param name="criu">What <see cref="CriuProbe"/> found; without it the driver does not claim it can checkpoint.</param>
/// <param name="trash">
/// Where a one-shot run's state directory goes when its command ends, to be deleted off the run's
/// critical path (<see cref="RunOnceAsync"/>); without it the directory is deleted in place.
/// </param>
public sealed partial class SandboxDriver(OciRuntime runtime, string runtimeRoot, CriuProbeResult? criu = null, DiscardedTrees? trash = null) : IDriver, ISuspendable
{
    public const string DriverName = "sandbox";

    /// <summary>How many instances a cleanup stops at once: each stop and remove costs runtime processes.</summary>
    internal const int ConcurrentStops = 4;

    /// <summary>
    /// The instance's first process: a fixed script (no description value is ever part of its
    /// text; service names arrive as positional arguments) that starts the services, then stays
    /// up as PID 1, reaping the orphans the kernel gives it, and ends on SIGTERM. A service is
    /// <c>/etc/init.d/NAME start</c> when the image has that script, else the program NAME run in
    /// the background (daemons fork away from it; the loop's <c>wait</c> reaps them).
    /// <c>sleep</c> in the background and <c>wait</c> keep the shell interruptible by the trap.
    /// Before an <c>ssh</c> or <c>sshd</c> service, an image without SSH host keys (vse takes them
    /// out of every layer: a key is one machine's secret) gets an ed25519 key of the instance's
    /// own, the one type sshd needs, made in milliseconds where <c>ssh-keygen -A</c>'s RSA key
    /// costs about 0.4 s of CPU per instance (docs/security.md). The VM agent does the same.
    /// </summary>
    internal const string InitScript = """
        trap 'exit 0' TERM
        host_key() {
          for key in /etc/ssh/ssh_host_*_key; do [ -e "$key" ] && return 0; done
          command -v ssh-keygen >/dev/null && ssh-keygen -q -t ed25519 -N "" -C "" -f /etc/ssh/ssh_host_ed25519_key </dev/null
        }
        for service in "$@"; do
          case "$service" in ssh|sshd) host_key ;; esac
          if [ -x "/etc/init.d/$service" ]; then "/etc/init.d/$service" start </dev/null; else "$service" </dev/null & fi
        done
        while :; do sleep 3600 & wait $!; done
        """;

    public static IReadOnlyList<string> InitArgs(IReadOnlyList<string> services) =>
        ["/bin/sh", "-c", InitScript, "vse-init", .. services];


    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    private readonly string _runtimeRoot = Path.GetFullPath(runtimeRoot);

    /// <summary>Set when vse runs unprivileged: instances then get a user namespace, and a cgroup only in a subtree delegated to the user.</summary>
    private readonly RootlessIdentity? _rootless = RootlessIdentity.OfThisProcess();

    /// <summary>Where instances' cgroups go (the runtime makes them there, <c>cgroupsPath</c>).</summary>
    private readonly CgroupPlacement _cgroups = CgroupPlacer.ForThisProcess();

    public string Name => DriverName;

    public OciRuntime Runtime => runtime;

    public bool BootsKernel => false;

    public int StopsAtOnce => ConcurrentStops;

    /// <summary>What the runtime hands an instance's init and services as stdout and stderr (<c>vse logs</c>).</summary>
    public static string InitLog(string stateDirectory) => Path.Combine(stateDirectory, "init.log");

    public DriverCapabilities Capabilities => new(
        Exec: true,
        // The freezer is a cgroup: rootless instances have one only in a delegated v2 subtree.
        Suspend: _rootless is null || _cgroups.CanFreeze,
        // CRIU needs privileges a rootless vse does not have.
        Checkpoint: criu is { Works: true } && _rootless is null,
        Migrate: false,
        // Rootless, a private network's instances must join the fabric's user namespace (the
        // launcher does); runc, joining a namespace by path, makes its init non-dumpable until the
        // instance's process runs, so vse could neither check its mounts nor plug its veth in first.
        NetworkModes: _rootless is null ? new HashSet<NetworkMode> { NetworkMode.None, NetworkMode.Host, NetworkMode.Private } : new HashSet<NetworkMode> { NetworkMode.None, NetworkMode.Host },
        Limitation: _rootless is null || _cgroups.Path is not null ? null : $"vse runs unprivileged, and its instances get no cgroup here (no freezer, no limits): {_cgroups.Reason}",
        Cgroups: _cgroups,
        NetworkLimitation: _rootless is null ? null : RootlessPrivateNetworkRefusal,
        SharedNetwork: _rootless is null);

    /// <summary>Why an ordinary user's private network or shared loopback does not start through the OCI runtime (docs/parallel.md).</summary>
    public const string RootlessPrivateNetworkRefusal =
        "as an ordinary user, instances on a private network (or a shared loopback) join the fabric's user namespace, and the OCI runtime (runc) then keeps its init closed to vse until the instance runs (non-dumpable), so vse cannot check its mounts or plug in its network first; deploy with --runtime vse-launch";

    public async Task<InstanceHandle> CreateAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        using var pins = PinnedMounts.Open(spec.Mounts);
        var handle = await PrepareBundleAsync(spec, InitArgs(spec.Services), oci => oci, discarded: false, cancellationToken);
        try
        {
            await CreateContainerAsync(handle, cancellationToken);
            // Mounted by path in the instance's namespace; checked against the pins before its init runs.
            pins.VerifyMountedIn(InstanceProcess.Pid(handle) ?? throw new IOException($"instance '{spec.Id}' has no process after create"));
            if (spec.Attachment is { } attachment)
            {
                // The runtime made the network namespace at create; it is plugged in before the
                // init (and the services) start.
                var pid = InstanceProcess.Pid(handle) ?? throw new IOException($"instance '{spec.Id}' has no process to attach its network to");
                await VethAttacher.AttachAsync(pid, attachment, cancellationToken);
            }
        }
        catch
        {
            await RemoveAsync(handle, CancellationToken.None);
            throw;
        }

        return handle;
    }

    public async Task StartAsync(InstanceHandle handle, CancellationToken cancellationToken) =>
        await RunAsync(["start", handle.Id], cancellationToken);

    public async Task<int> ExecAsync(InstanceHandle handle, ExecRequest request, CancellationToken cancellationToken)
    {
        DriverContract.RequireCommand(request);
        var arguments = new List<string> { "exec", "--cwd", request.WorkingDirectory ?? "/" };
        if (request.Tty)
        {
            // In the foreground, runc makes the pseudo-terminal itself and joins it to its own
            // standard streams, which must then be the caller's terminal.
            arguments.Add("--tty");
        }

        foreach (var (key, value) in request.Env ?? new Dictionary<string, string>())
        {
            arguments.Add("--env");
            arguments.Add(key + "=" + value);
        }

        arguments.Add(handle.Id);
        arguments.AddRange(request.Argv);
        return await RunCommandAsync(handle, arguments, request, cancellationToken);
    }

    public async Task StopAsync(InstanceHandle handle, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var status = await StateAsync(handle, cancellationToken);
        if (status.State is InstanceState.Missing or InstanceState.Stopped or InstanceState.Created)
        {
            // A created container has no running process yet; delete ends it.
            return;
        }

        if (status.State == InstanceState.Paused)
        {
            // A frozen init cannot act on SIGTERM.
            await ResumeAsync(handle, cancellationToken);
        }

        await RunUncheckedAsync(["kill", handle.Id, "TERM"], cancellationToken);
        if (await WaitStoppedAsync(handle, timeout, cancellationToken))
        {
            return;
        }

        await RunUncheckedAsync(["kill", handle.Id, "KILL"], cancellationToken);
        if (!await WaitStoppedAsync(handle, KillTimeout, cancellationToken))
        {
            throw new IOException($"instance '{handle.Id}' did not stop after SIGKILL");
        }
    }

    public async Task RemoveAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        await ReleaseAsync(handle, cancellationToken);
        var rootfs = new OverlayRoot("", handle.StateDirectory).Rootfs;
        if (await MountTable.IsMountedAsync(rootfs, cancellationToken))
        {
            // vse never mounts anything there on the host; if someone did, deleting through the
            // mount would delete what it shows. Refuse instead.
            throw new IOException($"something is mounted at {rootfs}, the root of instance '{handle.Id}'; unmount it first");
        }

        // Never follows a link the instance planted in its upper directory; and overlayfs leaves
        // work/work mode 000, which an unprivileged owner must open before emptying it.
        TreeDeleter.Delete(handle.StateDirectory, cancellationToken);
    }

    /// <remarks>The runtime's record and the instance's processes; the overlay is mounted in the instance's own mount namespace, gone with them.</remarks>
    public async Task ReleaseAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        if (KnownToRuntime(handle))
        {
            var delete = await RunUncheckedAsync(["delete", "--force", handle.Id], cancellationToken);
            if (delete.ExitCode != 0 && !DoesNotExist(delete.Stderr))
            {
                throw new ToolFailedException(runtime.Name, delete.ExitCode, RuntimeErrors.OneLine(delete.Stderr, delete.ExitCode));
            }
        }
    }

    public async Task<InstanceStatus> StateAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        if (!KnownToRuntime(handle))
        {
            return new InstanceStatus(InstanceState.Missing, null);
        }

        var result = await RunUncheckedAsync(["state", handle.Id], cancellationToken);
        if (result.ExitCode != 0)
        {
            return DoesNotExist(result.Stderr)
                ? new InstanceStatus(InstanceState.Missing, null)
                : throw new ToolFailedException(runtime.Name, result.ExitCode, RuntimeErrors.OneLine(result.Stderr, result.ExitCode));
        }

        using var state = JsonDocument.Parse(result.Stdout);
        var status = state.RootElement.GetProperty("status").GetString();
        var pid = state.RootElement.TryGetProperty("pid", out var p) && p.GetInt32() > 0 ? p.GetInt32() : (int?)null;
        return new InstanceStatus(
            status switch
            {
                "created" or "creating" => InstanceState.Created,
                "running" => InstanceState.Running,
                "paused" or "pausing" => InstanceState.Paused,
                "stopped" => InstanceState.Stopped,
                _ => throw new InvalidDataException($"{runtime.Name} reported an unknown state '{status}' for '{handle.Id}'"),
            },
            pid);
    }

    /// <remarks>The runtime wrote the init's PID at create (<c>--pid-file</c>): no runtime process (~25 ms each) to ask.</remarks>
    public Task<int?> PidAsync(InstanceHandle handle, CancellationToken cancellationToken) => Task.FromResult(InstanceProcess.Pid(handle));

    public async Task SuspendAsync(InstanceHandle handle, CancellationToken cancellationToken) =>
        await RunAsync(["pause", handle.Id], cancellationToken);

    public async Task ResumeAsync(InstanceHandle handle, CancellationToken cancellationToken) =>
        await RunAsync(["resume", handle.Id], cancellationToken);

    /// <summary>
    /// Writes the bundle of a new instance in its state directory: the overlay's directories and
    /// config.json, with <paramref name="args"/> as its first process. Removes what it made if it fails.
    /// </summary>
    /// <param name="discarded">The instance lives for one command and its overlay is never mounted again (<see cref="OverlayRoot.Prepare"/>).</param>
    private async Task<InstanceHandle> PrepareBundleAsync(
        InstanceSpec spec, IReadOnlyList<string> args, Func<OciSpec, OciSpec> adjust, bool discarded, CancellationToken cancellationToken)
    {
        DriverAbilities.RequireNetworkMode(this, spec.Network);
        var handle = InstanceStateDirectory.Claim(Name, spec);
        Directory.CreateDirectory(_runtimeRoot);
        var overlay = new OverlayRoot(Path.GetFullPath(spec.Rootfs), handle.StateDirectory);
        try
        {
            var rootMount = overlay.Prepare(userNamespace: _rootless is not null, discarded);
            var oci = OciSpecBuilder.Build(spec, overlay.Rootfs, args, _cgroups, rootMount, _rootless);
            OciSpecBuilder.Write(adjust(oci), handle.StateDirectory);
        }
        catch
        {
            await RemoveAsync(handle, CancellationToken.None);
            throw;
        }

        return handle;
    }

    /// <summary>
    /// Runs the runtime for a command of the user's (<c>exec</c>, <c>run</c>) with the request's
    /// streams, and tells the runtime's own failures from the command's exit code.
    /// </summary>
    /// <returns>The command's exit code; 127 when the command does not exist in the instance.</returns>
    private async Task<int> RunCommandAsync(InstanceHandle handle, IReadOnlyList<string> runtimeArguments, ExecRequest request, CancellationToken cancellationToken)
    {
        // The runtime's own failures go to a log of their own: its stderr is the command's, and
        // a command could print anything there, even text that looks like a runtime error.
        var log = Path.Combine(handle.StateDirectory, $"runtime-{Guid.NewGuid():N}.log");
        List<string> arguments = ["--root", _runtimeRoot, "--log", log, "--log-format", "json", .. runtimeArguments];
        try
        {
            var exitCode = request.Tty
                ? await StreamingProcess.RunAttachedAsync(runtime.Path, arguments, cancellationToken)
                // The runtime's own errors are in its log: its stdout and stderr are the command's alone.
                : await StreamingProcess.RunAsync(
                    runtime.Path, arguments, request.Stdin, request.Stdout, request.Stderr, cancellationToken,
                    inheritOutput: request.OwnStreams, inheritInput: request.OwnStreams && request.Stdin is not null);
            // Empty when the runtime did its part (runc logs nothing at its default level then): one
            // stat instead of opening and reading it; a small file read inline, not on a pool thread.
            var runtimeError = Nodes.TryGetStatus(log) is { Size: > 0 } ? RuntimeLog.LastError(File.ReadAllText(log)) : null;
            if (runtimeError is null)
            {
                return exitCode;
            }

            // runc: 'exec: "CMD": executable file not found in $PATH' or 'exec: "/CMD": stat /CMD:
            // no such file or directory'; a missing working directory names chdir instead.
            if (runtimeError.Contains($"exec: \"{request.Argv[0]}\"", StringComparison.Ordinal))
            {
                return await DriverContract.CommandNotFoundAsync(request, cancellationToken);
            }

            throw new ToolFailedException(runtime.Name, exitCode, runtimeError);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>
    /// <c>create</c> hands its own stdout and stderr to the container's init, which keeps them
    /// for its whole life: collected into strings they would never reach end of file. A fixed
    /// script (values only as positional arguments) points them at the instance's log instead.
    /// </summary>
    private async Task CreateContainerAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        var result = await RunIntoInitLogAsync(handle, ["create", "--bundle", handle.StateDirectory, "--pid-file", InstanceProcess.PidFile(handle), handle.Id], cancellationToken);
        if (result.ExitCode != 0)
        {
            var log = InitLog(handle.StateDirectory);
            var output = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "";
            throw new ToolFailedException(runtime.Name, result.ExitCode, RuntimeErrors.OneLine(output, result.ExitCode));
        }
    }

    /// <summary>Runs the runtime with its stdio on the instance's <c>init.log</c>, for the calls that hand it to the init (create, restore).</summary>
    private Task<ExternalTool.Result> RunIntoInitLogAsync(InstanceHandle handle, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ExternalTool.RunUncheckedAsync(
            ExternalTool.Require("sh", "dash"),
            ["-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "vse-runtime", InitLog(handle.StateDirectory),
                runtime.Path, "--root", _runtimeRoot, .. arguments],
            cancellationToken);

    private Task<bool> WaitStoppedAsync(InstanceHandle handle, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The runtime wrote the init's PID at create (--pid-file): no runtime process (~25 ms each) to ask.
        var pid = InstanceProcess.Pid(handle);
        // With the init's PID, /proc answers; only instances from before pid files ask the runtime.
        return DriverContract.WaitEndedAsync(
            async ct => pid is { } known
                ? HostProcess.HasEnded(known, _cgroups.InstanceCgroups(handle.Id))
                : (await StateAsync(handle, ct)).State is InstanceState.Stopped or InstanceState.Missing,
            timeout,
            PollInterval,
            cancellationToken);
    }

    private async Task RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunUncheckedAsync(arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new ToolFailedException(runtime.Name, result.ExitCode, RuntimeErrors.OneLine(result.Stderr, result.ExitCode));
        }
    }

    private Task<ExternalTool.Result> RunUncheckedAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ExternalTool.RunUncheckedAsync(runtime.Path, ["--root", _runtimeRoot, .. arguments], cancellationToken);

    /// <summary>
    /// Whether the runtime holds state for the instance: runc and crun keep a container's state in
    /// <c>ROOT/ID/</c>, so its absence answers without a runtime process (~10 ms each), which
    /// matters where <c>vse run</c> would otherwise ask twice about a container <c>runc run</c> already deleted.
    /// </summary>
    private bool KnownToRuntime(InstanceHandle handle) => Directory.Exists(Path.Combine(_runtimeRoot, handle.Id));

    private static bool DoesNotExist(string stderr) =>
        stderr.Contains("does not exist", StringComparison.Ordinal) || stderr.Contains("not found", StringComparison.Ordinal);
}
