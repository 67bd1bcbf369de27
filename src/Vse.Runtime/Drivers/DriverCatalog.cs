using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Runtime.Host;
using Vse.Runtime.Oci;
using Vse.Runtime.Sandbox;
using Vse.Runtime.Sandbox.Launch;
using Vse.Runtime.Vm;

namespace Vse.Runtime.Drivers;

/// <summary>
/// Every driver vse has, and the only code that knows their concrete types: it makes a driver
/// from the name a user chose (probing what this host has) or from a deployment's
/// <see cref="DriverRuntime"/> record (trusting what the deploy probed), and answers the
/// questions asked of a recorded instance without making a driver (<c>vse ps</c>, <c>vse logs</c>).
/// Everything else talks to <see cref="IDriver"/> and its ability interfaces.
/// </summary>
/// <param name="probeCacheDirectory">Where the OCI runtime probe's outcomes are kept (<see cref="OciRuntimeProbeCache"/>).</param>
/// <param name="runtimeRoot">The OCI runtime's own state directory (<c>--root</c>), private to vse.</param>
/// <param name="vmCacheDirectory">VM base disks and initramfs images, shared by every VM instance.</param>
/// <param name="trashDirectory">Where one-shot runs' state directories are moved to be deleted later (<see cref="DiscardedTrees"/>); without it they are deleted in place.</param>
public sealed class DriverCatalog(string probeCacheDirectory, string runtimeRoot, string vmCacheDirectory, string? trashDirectory = null)
{
    /// <summary>Instances as OCI containers (runc, crun) or clones of the bulk launcher.</summary>
    public const string Sandbox = SandboxDriver.DriverName;

    /// <summary>Instances as QEMU virtual machines.</summary>
    public const string Vm = VmDriver.DriverName;

    /// <summary>The sandbox runtime that is the bulk launcher (<c>--runtime vse-launch</c>) rather than an OCI runtime.</summary>
    public const string Launcher = LaunchedSandboxDriver.RuntimeName;

    private readonly Lock _launchedLock = new();

    private readonly DiscardedTrees? _trash = trashDirectory is null ? null : new DiscardedTrees(trashDirectory);

    /// <summary>
    /// One launcher driver per catalog: instances it created and has not started are its own
    /// state (<see cref="LaunchedSandboxDriver"/>), so create and start must reach the same one.
    /// </summary>
    private LaunchedSandboxDriver? _launched;

    /// <summary>The names users choose drivers by.</summary>
    public static IReadOnlyList<string> DriverNames { get; } = [Sandbox, Vm];

    public static bool IsDriverName(string name) => name is Sandbox or Vm;

    /// <summary>
    /// Whether a driver chosen this way can run a one-shot command by itself (<see cref="IRunsOnce"/>),
    /// asked before anything is made or probed: sandboxes can, on an OCI runtime (<c>runc run</c>) and
    /// on the bulk launcher (<c>vse-launch --once</c>); a VM always boots.
    /// </summary>
    public static bool RunsOnce(string driverName) => driverName == Sandbox;

    /// <summary>
    /// The driver a deploy uses, and the record that names it: VMs on the accelerator this host
    /// has; sandboxes on the bulk launcher when asked for by name, else on the OCI runtime the
    /// probe selects (<paramref name="runtimeName"/>, or the first that works here).
    /// </summary>
    /// <exception cref="DriverCapabilityMissingException">No such driver, or this host lacks what it needs.</exception>
    /// <exception cref="OciRuntimeUnavailableException">No OCI runtime works here, or the launcher is not built.</exception>
    public async Task<(IDriver Driver, DriverRuntime Recorded)> SelectAsync(string driverName, string? runtimeName, CancellationToken cancellationToken)
    {
        if (driverName == Vm)
        {
            var vm = await Kvm.InspectAsync(cancellationToken);
            return (VmDriverOf(vm.Accelerator), new DriverRuntime(Vm, VmAccelerators.Name(vm.Accelerator)));
        }

        if (driverName != Sandbox)
        {
            throw new DriverCapabilityMissingException(driverName, "run instances: there is no such driver (sandbox or vm)");
        }

        if (runtimeName == Launcher)
        {
            return (LaunchedDriver(), new DriverRuntime(Sandbox, Launcher));
        }

        OciRuntime runtime;
        try
        {
            runtime = await OciRuntimeProbe.SelectAsync(runtimeName, new OciRuntimeProbeCache(probeCacheDirectory), cancellationToken);
        }
        catch (OciRuntimeUnavailableException) when (runtimeName is null && LaunchedSandboxDriver.FindLauncher() is not null)
        {
            // A host with no working OCI runtime (a site that installs none) still runs
            // sandboxes: on the launcher vse ships.
            return (LaunchedDriver(), new DriverRuntime(Sandbox, Launcher));
        }

        return (new SandboxDriver(runtime, runtimeRoot, trash: _trash), new DriverRuntime(Sandbox, runtime.Name));
    }

    /// <summary>
    /// The driver of a recorded deployment, on the runtime the deploy chose: used as it is rather
    /// than probed again, which would cost a container start or a probe boot.
    /// </summary>
    /// <param name="criu">What probing CRIU found, for the operations that need it (checkpoint, restore).</param>
    public async Task<IDriver> OfRecordAsync(DriverRuntime recorded, CriuProbeResult? criu, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (recorded.Driver == Vm)
        {
            return VmDriverOf(VmAccelerators.Parse(recorded.Runtime));
        }

        if (recorded.Runtime == Launcher)
        {
            return LaunchedDriver();
        }

        var runtime = ExternalTool.Find(recorded.Runtime) is { } path
            ? new OciRuntime(recorded.Runtime, path)
            : await OciRuntimeProbe.SelectAsync(recorded.Runtime, new OciRuntimeProbeCache(probeCacheDirectory), cancellationToken);
        return new SandboxDriver(runtime, runtimeRoot, criu, _trash);
    }

    /// <summary>
    /// The file an instance's init and services write to: for sandboxes what the runtime hands
    /// them as stdout and stderr, for VMs the serial console.
    /// </summary>
    public static string ConsoleLog(DriverRuntime recorded, string stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded.Driver == Vm ? VmDriver.ConsoleLog(stateDirectory) : SandboxDriver.InitLog(stateDirectory);
    }

    /// <summary>
    /// The directory that holds what a recorded instance changed in its configuration, on the
    /// host, as an overlayfs upper directory (both sandbox start paths: <c>STATE/upper</c>); null
    /// for a VM, whose changes are blocks in its qcow2 overlay, readable only by the guest.
    /// </summary>
    public static string? UpperDirectory(DriverRuntime recorded, string stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded.Driver == Vm ? null : new OverlayRoot("", stateDirectory).Upper;
    }

    /// <summary>
    /// The init PID a sandbox instance's runtime wrote to <c>STATE/init.pid</c> (runc's and crun's
    /// <c>--pid-file</c>, or vse-launch), for an instance recorded without one: a one-shot
    /// <c>vse run</c>, whose runtime starts, waits for and deletes its instance in one call. Null
    /// for a VM (its QEMU is recorded at start) and before the file is there.
    /// </summary>
    public static int? InitPid(DriverRuntime recorded, InstanceHandle handle)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded.Driver == Vm ? null : InstanceProcess.Pid(handle);
    }

    /// <summary>
    /// Whether a recorded instance's first process (<paramref name="pid"/> as recorded) has
    /// ended, from PID files and /proc alone: no runtime or monitor process per instance, as
    /// <c>vse ps</c> asks it of every one.
    /// </summary>
    public static bool HasEnded(DriverRuntime recorded, InstanceHandle handle, int pid)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(handle);
        return recorded.Driver == Vm
            ? !VmDriver.IsRunning(handle.StateDirectory)
            // Instances without a cgroup (unprivileged, not delegated) have none to tell their init from a process that got its PID since.
            : HostProcess.HasEnded(pid, CgroupPlacer.LocateForThisProcess().InstanceCgroups(handle.Id));
    }

    private LaunchedSandboxDriver LaunchedDriver()
    {
        lock (_launchedLock)
        {
            // The compiled syscall filter is kept beside the probe's outcomes (vse's home), for every launch.
            return _launched ??= new LaunchedSandboxDriver(
                LaunchedSandboxDriver.FindLauncher()
                    ?? throw new OciRuntimeUnavailableException($"{Launcher} is not built: run 'make -C native/vse-launch' in vse's source tree, or set VSE_LAUNCH", []),
                probeCacheDirectory);
        }
    }

    private VmDriver VmDriverOf(VmAccelerator accelerator)
    {
        if (ExternalTool.Find(Kvm.Qemu) is null)
        {
            throw new DriverCapabilityMissingException(Vm, "start a VM", $"{Kvm.Qemu} is not installed (Debian: qemu-system-x86)");
        }

        var agent = VmDriver.FindAgent()
            ?? throw new DriverCapabilityMissingException(Vm, "start a VM", "vse-agent is not built: run 'make -C native/vse-agent' in vse's source tree, or set VSE_AGENT");
        return new VmDriver(vmCacheDirectory, agent, accelerator);
    }
}
