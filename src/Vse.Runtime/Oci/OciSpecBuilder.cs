using System.Text.Json;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Oci;

/// <summary>
/// Writes an instance's OCI runtime configuration (config.json). The defaults (capabilities,
/// rlimits, mounts, masked and read-only paths) are the ones <c>runc spec</c> generates, so an
/// instance is confined exactly as a plain runc container is; the description adds hostname,
/// environment, granted mounts, limits and the network namespace choice.
/// </summary>
public static class OciSpecBuilder
{
    public const string OciVersion = "1.0.2";

    /// <summary>The CFS period the CPU quota is expressed in: 100 ms, the kernel's default.</summary>
    public const ulong CpuPeriodMicroseconds = 100_000;

    private static readonly string[] DefaultCapabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

    private static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
    ];

    private static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <param name="rootfsPath">The merged root the runtime pivots into (absolute, or relative to the bundle).</param>
    /// <param name="args">The instance's first process.</param>
    /// <param name="cgroupsPath">Where the runtime puts the instance's cgroup; null lets it choose.</param>
    public static OciSpec Build(InstanceSpec spec, string rootfsPath, IReadOnlyList<string> args, string? cgroupsPath)
    {
        var namespaces = new List<OciNamespace> { new("pid"), new("ipc"), new("uts"), new("mount") };
        if (spec.Network != NetworkMode.Host)
        {
            namespaces.Add(new OciNamespace("network"));
        }

        var process = new OciProcess(
            Terminal: false,
            User: new OciUser(0, 0),
            Args: args,
            Env: [.. spec.Env.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Key + "=" + pair.Value)],
            Cwd: "/",
            Capabilities: new OciCapabilities(DefaultCapabilities, DefaultCapabilities, DefaultCapabilities),
            Rlimits: [new OciRlimit("RLIMIT_NOFILE", 1024, 1024)],
            NoNewPrivileges: true);
        var resources = new OciResources(
            Devices: [new OciDeviceRule(false, "rwm")],
            Cpu: spec.Cpus is { } cpus ? new OciCpu(cpus * (long)CpuPeriodMicroseconds, CpuPeriodMicroseconds) : null,
            Memory: spec.MemoryBytes is { } bytes ? new OciMemory(bytes) : null);
        return new OciSpec(
            OciVersion,
            process,
            new OciRoot(rootfsPath, Readonly: false),
            spec.Hostname,
            [.. DefaultMounts(), .. spec.Mounts.Select(Bind)],
            new OciLinux(namespaces, cgroupsPath, resources, MaskedPaths, ReadonlyPaths));
    }

    public static string Serialize(OciSpec spec) => JsonSerializer.Serialize(spec, OciSpecJson.Default.OciSpec);

    public static async Task WriteAsync(OciSpec spec, string bundleDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(bundleDirectory, "config.json");
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, Serialize(spec), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private static IEnumerable<OciMount> DefaultMounts() =>
    [
        new("/proc", "proc", "proc"),
        new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
        new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        new("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
    ];

    // rbind so that mounts below a granted directory come along; the mode applies to the bind.
    private static OciMount Bind(InstanceMount mount) =>
        new(mount.Target, "bind", mount.Source, ["rbind", mount.ReadOnly ? "ro" : "rw", "nosuid", "nodev"]);
}
