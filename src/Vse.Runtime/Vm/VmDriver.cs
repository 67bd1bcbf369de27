using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Vm.Agent;
using Vse.Runtime.Vm.Boot;
using Vse.Runtime.Vm.Qmp;

namespace Vse.Runtime.Vm;

/// <summary>
/// Instances as QEMU virtual machines: the description's own kernel, booted with vse's small
/// initramfs into the configuration's disk (a base per configuration, an overlay per instance),
/// with <c>vse-agent</c> as the guest's PID 1 for exec, files and readiness, and QMP for
/// suspend, resume, checkpoints and migration. The state directory holds everything of the
/// instance (<see cref="VmFiles"/>); QEMU runs daemonised, so instances outlive the vse that
/// started them.
/// </summary>
/// <param name="cacheDirectory">Base disks and initramfs images, shared by every instance.</param>
/// <param name="agent">The guest agent binary (native/vse-agent), put into the initramfs.</param>
/// <param name="hostNamespace">
/// The network namespace (a file, <c>/run/netns/NAME</c>) this driver's QEMUs run in: the host
/// they are on, when one machine plays several (a virtual cluster's nodes, a migration's two
/// ends); null for vse's own.
/// </param>
public sealed partial class VmDriver(string cacheDirectory, string agent, VmAccelerator accelerator, string? hostNamespace = null)
    : IDriver, ISuspendable, ICheckpointable
{
    public const string DriverName = "vm";

    /// <summary>A generous bound for a TCG boot on a loaded machine (~2 s alone here); beyond it the boot has failed.</summary>
    public static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);

    private const int ConsoleTailLines = 12;
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a power-off or kill waits for the monitor's greeting and answer. A stopped or hung
    /// QEMU's socket still accepts connections (the kernel queues them) but never greets: without
    /// a bound, the cleanup that should end that QEMU waited for it forever.
    /// </summary>
    internal static readonly TimeSpan MonitorTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly VmDisks _disks = new(cacheDirectory);

    // One per driver, so a busybox that must be fetched (no busybox-static on the host) is fetched once.
    private readonly Initramfs _initramfs = new(new Vse.Build.Bases.BusyboxBase(Path.Combine(cacheDirectory, "initramfs")));

    public string Name => DriverName;

    public VmAccelerator Accelerator => accelerator;

    public bool BootsKernel => true;

    /// <summary>A stop asks the guest to power off and waits for it: a few at once.</summary>
    public int StopsAtOnce => 4;

    public DriverCapabilities Capabilities => new(
        Exec: true,
        Suspend: true,
        Checkpoint: true,
        Migrate: true,
        // A private network's tap devices are made in the fabric's namespace, which takes root.
        NetworkModes: Environment.IsPrivilegedProcess ? new HashSet<NetworkMode> { NetworkMode.None, NetworkMode.Private } : new HashSet<NetworkMode> { NetworkMode.None },
        // The guest agent runs commands on pipes (native/vse-agent/PROTOCOL.md).
        Terminal: false);

    /// <summary>Where vse finds the guest agent: <c>VSE_AGENT</c>, beside vse itself, or on PATH; null when it is not built.</summary>
    public static string? FindAgent() => BundledTool.Agent();

    /// <summary>The instance's serial console: the kernel's messages, the initramfs's and the agent's (<c>vse logs</c>).</summary>
    public static string ConsoleLog(string stateDirectory) => new VmFiles(stateDirectory).Console;

    /// <summary>Whether the instance's QEMU runs, from its PID file and /proc alone (no monitor connection).</summary>
    public static bool IsRunning(string stateDirectory) => QemuProcess.Running(new VmFiles(stateDirectory)) is not null;

    public async Task<InstanceHandle> CreateAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        DriverAbilities.RequireNetworkMode(this, spec.Network);
        if (spec.Mounts.FirstOrDefault(mount => !File.Exists(mount.Source) && !Directory.Exists(mount.Source)) is { } missing)
        {
            throw new ArgumentException($"the source of the mount at {missing.Target} does not exist: {missing.Source}", nameof(spec));
        }

        var boot = spec.Boot ?? throw new ArgumentException($"instance '{spec.Id}' has no kernel to boot (os.kernel)", nameof(spec));
        var handle = InstanceStateDirectory.Claim(Name, spec);
        var files = new VmFiles(handle.StateDirectory);
        try
        {
            var initrd = await _initramfs.GetAsync(boot.Kernel, agent, Path.Combine(cacheDirectory, "initramfs"), cancellationToken);
            var baseDisk = await _disks.BaseAsync(spec.Rootfs, cancellationToken);
            await VmDisks.CreateOverlayAsync(baseDisk, files.Disk, cancellationToken);
            var nic = spec.Attachment is { } attachment ? await VmTapAttacher.AttachAsync(attachment, cancellationToken) : null;
            // vse's own argument after the description's: BootCommandLine refuses it there.
            IReadOnlyList<string> kernelArguments = spec.ChangesDisk is null ? boot.KernelArguments : [.. boot.KernelArguments, InitScript.ChangesArgument];
            var machine = QemuMachine.For(spec, accelerator, boot.Kernel.Vmlinux, initrd, BootCommandLine.Join(kernelArguments), nic);
            await QemuMachine.WriteAsync(files.Machine, machine, cancellationToken);
            await StringListFile.WriteAsync(files.Configuration, VmAgentConfiguration.Records(spec), cancellationToken);
            await CopyGrantedFilesAsync(spec, files, cancellationToken);
        }
        catch
        {
            await RemoveAsync(handle, CancellationToken.None);
            throw;
        }

        return handle;
    }

    public async Task StartAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        var files = new VmFiles(handle.StateDirectory);
        var run = files.NextRun();
        await LaunchAsync(files, run, [], cancellationToken);
        files.MakeCurrent(run);
        try
        {
            await using var agentConnection = await ConnectAgentAsync(files, BootTimeout, cancellationToken);
            if (!agentConnection.Configured)
            {
                await WriteGrantedFilesAsync(agentConnection, files, cancellationToken);
                await agentConnection.ConfigureAsync(await StringListFile.ReadAsync(files.Configuration, cancellationToken), cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            await KillAsync(run);
            // A guest that panicked or powered off ends QEMU and the agent's connection with it;
            // one that hangs runs out of time. Either way the console says why.
            throw new IOException(
                $"instance '{handle.Id}' did not boot ({e.Message}; {VmAccelerators.Name(accelerator).ToUpperInvariant()}); the console's last lines: {ConsoleTail(files)}", e);
        }
        catch
        {
            await KillAsync(run);
            throw;
        }
    }

    public async Task<int> ExecAsync(InstanceHandle handle, ExecRequest request, CancellationToken cancellationToken)
    {
        DriverContract.RequireCommand(request);
        if (request.Tty)
        {
            throw new DriverCapabilityMissingException(Name, "give a command a terminal", "the guest agent runs commands on pipes");
        }

        await using var agentConnection = await ConnectAgentAsync(new VmFiles(handle.StateDirectory), AgentTimeout, cancellationToken);
        try
        {
            return await agentConnection.ExecAsync(request, cancellationToken);
        }
        catch (AgentFailure failure) when (failure.Stage == 1)
        {
            throw new IOException($"cannot change to the working directory {request.WorkingDirectory}: {failure.Message}", failure);
        }
        catch (AgentFailure failure) when (failure.IsCommandNotFound)
        {
            return await DriverContract.CommandNotFoundAsync(request, cancellationToken);
        }
    }

    public Task StopAsync(InstanceHandle handle, TimeSpan timeout, CancellationToken cancellationToken) =>
        PowerOffAsync(handle.StateDirectory, timeout, cancellationToken);

    /// <summary>
    /// <see cref="StopAsync"/>, telling how the VM ended: powered off through its agent (the guest
    /// synced its disks), or killed after <paramref name="timeout"/> (what it had not written is lost).
    /// </summary>
    /// <returns>False when QEMU had to be killed; true when it ended by itself or was not running.</returns>
    public static async Task<bool> PowerOffAsync(string stateDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var files = new VmFiles(stateDirectory);
        if (files.Current() is not { } run || QemuProcess.Running(run) is not { } pid)
        {
            return true;
        }

        try
        {
            using (var monitorDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                monitorDeadline.CancelAfter(MonitorTimeout);
                await using var monitor = await QmpClient.ConnectAsync(run.Monitor, monitorDeadline.Token);
                // A stopped guest cannot act on the power-off request.
                await monitor.ExecuteAsync("cont", null, monitorDeadline.Token);
            }

            await using var agentConnection = await AgentConnection.ConnectAsync(run, AgentTimeout, cancellationToken);
            await agentConnection.PowerOffAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException or InvalidDataException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // No monitor or agent that answers (still booting, or hung): the forced way below.
        }

        if (await QemuProcess.WaitEndedAsync(pid, run, timeout, PollInterval, cancellationToken))
        {
            return true;
        }

        await KillAsync(run);
        return false;
    }

    public Task RemoveAsync(InstanceHandle handle, CancellationToken cancellationToken) =>
        DiscardAsync(handle.StateDirectory, cancellationToken);

    /// <remarks>Every QEMU of the VM; its disks and sockets are files of the state directory, left.</remarks>
    public Task ReleaseAsync(InstanceHandle handle, CancellationToken cancellationToken) => EndEveryRunAsync(handle.StateDirectory);

    /// <summary>
    /// Ends every QEMU a VM state directory still has and deletes the directory: what
    /// <see cref="RemoveAsync"/> does, for a directory whose owner is gone (a crashed vse's
    /// online step), with no driver (no accelerator probe) needed.
    /// </summary>
    public static async Task DiscardAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        await EndEveryRunAsync(stateDirectory);
        TreeDeleter.Delete(stateDirectory, cancellationToken);
    }

    private static async Task EndEveryRunAsync(string stateDirectory)
    {
        // Every run, not only the current one: a migration's destination may be up too.
        foreach (var run in new VmFiles(stateDirectory).AllRuns().ToList())
        {
            await KillAsync(run);
        }
    }

    public async Task<InstanceStatus> StateAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        var files = new VmFiles(handle.StateDirectory);
        if (!File.Exists(files.Machine))
        {
            return new InstanceStatus(InstanceState.Missing, null);
        }

        if (files.Current() is not { } run)
        {
            return new InstanceStatus(InstanceState.Created, null);
        }

        if (QemuProcess.Running(run) is not { } pid)
        {
            return new InstanceStatus(InstanceState.Stopped, null);
        }

        await using var monitor = await QmpClient.ConnectAsync(run.Monitor, cancellationToken);
        var status = (await monitor.ExecuteAsync("query-status", null, cancellationToken))?["status"]?.GetValue<string>();
        return new InstanceStatus(
            status switch
            {
                "paused" or "postmigrate" or "suspended" or "finish-migrate" or "save-vm" => InstanceState.Paused,
                "inmigrate" or "prelaunch" => InstanceState.Created,
                "shutdown" or "guest-panicked" or "internal-error" or "io-error" => InstanceState.Stopped,
                _ => InstanceState.Running,
            },
            pid);
    }

    /// <remarks>QEMU's PID is in its PID file, but only the monitor says whether the guest is still a running instance.</remarks>
    public async Task<int?> PidAsync(InstanceHandle handle, CancellationToken cancellationToken) => (await StateAsync(handle, cancellationToken)).Pid;

    public async Task SuspendAsync(InstanceHandle handle, CancellationToken cancellationToken) =>
        await MonitorAsync(handle, "stop", cancellationToken);

    public async Task ResumeAsync(InstanceHandle handle, CancellationToken cancellationToken) =>
        await MonitorAsync(handle, "cont", cancellationToken);

    /// <summary>Keeps a copy of every granted file (9p shares only directories) for the guest's first boot.</summary>
    private static async Task CopyGrantedFilesAsync(InstanceSpec spec, VmFiles files, CancellationToken cancellationToken)
    {
        var list = new List<string>();
        var granted = VmAgentConfiguration.CopiedFiles(spec).ToList();
        using var pins = PinnedMounts.Open(granted);
        foreach (var (mount, index) in pins.Mounts.Select((mount, index) => (mount, index)))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(files.CopiedFile(index))!);
            File.Copy(mount.Source, files.CopiedFile(index));
            var mode = File.GetUnixFileMode(mount.Source) & (UnixFileMode)0b111_111_111;
            list.AddRange([mount.Target, files.CopiedFile(index), Convert.ToString((int)mode, 8)]);
        }

        await StringListFile.WriteAsync(files.CopiedFiles, list, cancellationToken);
    }

    private static async Task WriteGrantedFilesAsync(AgentConnection agentConnection, VmFiles files, CancellationToken cancellationToken)
    {
        var list = await StringListFile.ReadAsync(files.CopiedFiles, cancellationToken);
        for (var i = 0; i + 2 < list.Count; i += 3)
        {
            await using var content = File.OpenRead(list[i + 1]);
            await agentConnection.WriteFileAsync(list[i], (UnixFileMode)Convert.ToInt32(list[i + 2], 8), content, cancellationToken);
        }
    }

    /// <summary>
    /// Starts QEMU daemonised for <paramref name="run"/>, inside <paramref name="networkNamespace"/>
    /// when given (a migration's destination host), else in its private network's fabric, else on
    /// the driver's host; returns once QEMU is up (its monitor and
    /// agent sockets exist). QEMU's own start-up errors end up in the exception.
    /// </summary>
    private async Task LaunchAsync(VmFiles files, VmRun run, IReadOnlyList<string> extraArguments, CancellationToken cancellationToken, string? networkNamespace = null)
    {
        var qemu = ExternalTool.Require(Kvm.Qemu, "qemu-system-x86");
        var machine = await QemuMachine.ReadAsync(files.Machine, cancellationToken);
        // QEMU opens each share's directory as it starts: pinned until then (PinnedMounts).
        using var pins = PinnedMounts.Open(machine.Shares.Select(share => new InstanceMount(share.Tag, share.Source, share.ReadOnly)));
        machine = machine with { Shares = [.. machine.Shares.Zip(pins.Mounts, (share, pinned) => share with { Source = pinned.Source })] };
        List<string> command = [qemu, .. QemuMachine.Arguments(machine, files, run), .. extraArguments, "-daemonize", "-pidfile", run.Pid];
        // On a private network QEMU opens its tap device in the fabric's namespace, so it runs there.
        networkNamespace ??= machine.Nic?.Namespace ?? hostNamespace;
        if (networkNamespace is null)
        {
            await ExternalTool.RunAsync(qemu, command[1..], cancellationToken);
        }
        else
        {
            await ExternalTool.RunAsync(ExternalTool.Require("nsenter", "util-linux"), ["--net=" + networkNamespace, "--", .. command], cancellationToken);
        }
    }

    private static async Task<AgentConnection> ConnectAgentAsync(VmFiles files, TimeSpan timeout, CancellationToken cancellationToken) =>
        files.Current() is { } run && QemuProcess.Running(run) is not null
            ? await AgentConnection.ConnectAsync(run, timeout, cancellationToken)
            : throw new IOException($"the VM of instance '{Path.GetFileName(files.StateDirectory)}' is not running");

    private static async Task MonitorAsync(InstanceHandle handle, string command, CancellationToken cancellationToken)
    {
        await using var monitor = await ConnectMonitorAsync(new VmFiles(handle.StateDirectory), handle.Id, cancellationToken);
        await monitor.ExecuteAsync(command, null, cancellationToken);
    }

    private static async Task<QmpClient> ConnectMonitorAsync(VmFiles files, string id, CancellationToken cancellationToken) =>
        files.Current() is { } run && QemuProcess.Running(run) is not null
            ? await QmpClient.ConnectAsync(run.Monitor, cancellationToken)
            : throw new IOException($"the VM of instance '{id}' is not running");

    /// <summary>Ends a run's QEMU at once: through its monitor, then SIGKILL.</summary>
    private static async Task KillAsync(VmRun run)
    {
        if (QemuProcess.Running(run) is not { } pid)
        {
            return;
        }

        var quitSent = false;
        using var monitorDeadline = new CancellationTokenSource(MonitorTimeout);
        try
        {
            await using var monitor = await QmpClient.ConnectAsync(run.Monitor, monitorDeadline.Token);
            quitSent = true;
            await monitor.ExecuteAsync("quit", null, monitorDeadline.Token);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The monitor is gone, never greeted (a hung QEMU) or answers no more (or closed as QEMU
            // quit): the signal below.
        }

        if (!await QemuProcess.WaitEndedAsync(pid, run, GraceBeforeKill(quitSent), PollInterval, CancellationToken.None))
        {
            QemuProcess.Kill(pid, run);
            await QemuProcess.WaitEndedAsync(pid, run, QuitTimeout, PollInterval, CancellationToken.None);
        }
    }

    /// <summary>
    /// How long QEMU is given to end by itself before <c>SIGKILL</c>: <see cref="QuitTimeout"/> once
    /// its monitor greeted vse and was sent <c>quit</c> (QEMU closes the monitor as it exits, so a
    /// reply that never comes still means it is ending, flushing its disks); none when the monitor
    /// could not be reached (refused, gone, closed before its greeting): nothing else will end that
    /// QEMU, and waiting would only make every cleanup of a hung VM 10 s longer. The signal goes
    /// only to a PID whose command line still names the run's monitor (<see cref="QemuProcess.Kill"/>).
    /// </summary>
    internal static TimeSpan GraceBeforeKill(bool quitSent) => quitSent ? QuitTimeout : TimeSpan.Zero;

    /// <summary>
    /// The console's last lines, led by the line that says why a boot failed when there is one
    /// (a kernel panic's first line is followed by a long call trace; vse's init says "error").
    /// </summary>
    private static string ConsoleTail(VmFiles files)
    {
        string[] lines;
        try
        {
            lines = [.. File.ReadAllLines(files.Console).Select(line => line.Trim()).Where(line => line.Length > 0)];
        }
        catch (IOException)
        {
            return "(no console log)";
        }

        var tail = lines.TakeLast(ConsoleTailLines).ToList();
        var reason = lines.LastOrDefault(line => line.Contains("Kernel panic", StringComparison.Ordinal) || line.Contains("vse-init: error", StringComparison.Ordinal));
        return string.Join(" | ", reason is null || tail.Contains(reason) ? tail : [reason, "...", .. tail]);
    }
}
