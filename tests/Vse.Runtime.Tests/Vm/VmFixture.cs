using Vse.Build.Bases;
using Vse.Build.Kernels;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Tests.Support;
using Vse.Runtime.Tests.Vm.Boot;
using Vse.Runtime.Vm;
using Vse.Runtime.Vm.Boot;

namespace Vse.Runtime.Tests.Vm;

/// <summary>
/// One busybox configuration, one kernel and one VM driver for the VM tests of a class. The
/// kernel (a Debian package, ~70 MB) is the boot tests' (<see cref="BootFixture.KernelStoreRoot"/>),
/// kept across test runs as a user's is in VSE_HOME, so a run fetches it at most once.
/// </summary>
public sealed class VmFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("vse-vm-test-");

    public string Rootfs => _directory.Combine("configuration");

    public string StateRoot => _directory.Combine("instances");

    public VmDriver? Driver { get; private set; }

    /// <summary>Base disks and initramfs images of the fixture's drivers.</summary>
    public string Cache => _directory.Combine("cache");

    public string? Agent { get; private set; }

    public VmAccelerator Accelerator { get; private set; }

    public BootKernel? Kernel { get; private set; }

    public IReadOnlyList<string> Arguments { get; private set; } = [];

    /// <summary>Why VMs cannot run here, when they cannot.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        var agent = VmDriver.FindAgent();
        if (Vse.Host.Processes.ExternalTool.Find(Kvm.Qemu) is null)
        {
            Unavailable = $"{Kvm.Qemu} is not installed (scripts/install-deps.sh installs qemu-system-x86)";
            return;
        }

        if (agent is null)
        {
            Unavailable = "vse-agent is not built (make -C native/vse-agent; test.sh does)";
            return;
        }

        Directory.CreateDirectory(Rootfs);
        Directory.CreateDirectory(StateRoot);
        await new BusyboxBase(_directory.Path).CreateAsync(Rootfs, null, CancellationToken.None);
        Kernel = await new KernelStore(BootFixture.KernelStoreRoot).GetAsync(KernelSource.Parse("package:linux-image-amd64", "/"), CancellationToken.None);
        Arguments = BootCommandLine.Build(null, await BootCommandLine.HostTscKhzAsync(CancellationToken.None));
        Agent = agent;
        Accelerator = (await Kvm.InspectAsync(CancellationToken.None)).Accelerator;
        Driver = new VmDriver(Cache, agent, Accelerator);
    }

    public InstanceSpec Complete(InstanceSpec spec) => spec with { Boot = new VmBoot(Kernel!, Arguments) };

    /// <summary>The fixture's driver; skips (or fails under CI) when VMs cannot run here.</summary>
    public VmDriver RequireDriver()
    {
        if (Driver is null)
        {
            Requirements.Missing(Unavailable ?? "the VM driver is unavailable");
        }

        return Driver!;
    }

    /// <summary>A one-CPU instance of the busybox configuration with a fresh id and state directory below <see cref="StateRoot"/>.</summary>
    public InstanceSpec Spec(string hostname, long? memoryBytes = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var id = $"{hostname}-{Guid.NewGuid().ToString("N")[..8]}";
        return Complete(new InstanceSpec(
            id, hostname, Rootfs, Path.Combine(StateRoot, id), env ?? new Dictionary<string, string>(), [], 1, memoryBytes, NetworkMode.None, []));
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
