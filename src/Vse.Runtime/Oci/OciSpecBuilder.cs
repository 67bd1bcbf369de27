using System.Text.Json;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;

namespace Vse.Runtime.Oci;

/// <summary>
/// Writes an instance's OCI runtime configuration (config.json). The defaults (capabilities,
/// rlimits, mounts, masked and read-only paths) are the ones <c>runc spec</c> generates, so an
/// instance is confined exactly as a plain runc container is; the description adds hostname,
/// environment, granted mounts, limits and the network namespace choice. On top of runc's
/// defaults: vse's syscall filter (<see cref="OciSeccompSection"/>), which <c>runc spec</c> leaves out.
/// </summary>
public static class OciSpecBuilder
{
    public const string OciVersion = "1.0.2";

    /// <summary>The CFS period the CPU quota is expressed in: 100 ms, the kernel's default.</summary>
    public const ulong CpuPeriodMicroseconds = 100_000;

    /// <summary>
    /// The capabilities Docker and Podman give a container by default: what an ordinary system
    /// needs to run its services (sshd changes user, apt chowns, ping opens a raw socket), none of
    /// what reaches beyond the instance's namespaces (no CAP_SYS_ADMIN, CAP_NET_ADMIN,
    /// CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_SYS_TIME).
    /// </summary>
    private static readonly string[] DefaultCapabilities =
    [
        "CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD",
        "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
    ];

    private static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
    ];

    private static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <param name="rootfsPath">The directory the runtime pivots into (absolute, or relative to the bundle).</param>
    /// <param name="args">The instance's first process.</param>
    /// <param name="cgroups">
    /// Where instances' cgroups go (<see cref="CgroupPlacer"/>): the instance's <c>cgroupsPath</c>, and which
    /// of its limits the runtime is asked to apply (those whose controller the placement has; the
    /// CLI has said once which are not applied). Null, or a placement without cgroups: no
    /// <c>cgroupsPath</c> (the runtime chooses as root; nothing as an ordinary user).
    /// </param>
    /// <param name="rootMount">
    /// A mount the runtime makes over <paramref name="rootfsPath"/> before any other (the instance's
    /// overlay): made inside the instance's own mount namespace, it never enters the host's mount
    /// table and disappears with the instance.
    /// </param>
    /// <exception cref="DeviceNotOnHostException">A device of the spec is not a device node on this host.</exception>
    /// <param name="rootless">
    /// For an unprivileged caller: a user namespace mapping that user to root, a cgroup only in a
    /// subtree delegated to the user (<paramref name="cgroups"/>), no device rules, and the host's
    /// <c>/sys</c> bound read-only, as <c>runc spec --rootless</c> does.
    /// </param>
    public static OciSpec Build(
        InstanceSpec spec, string rootfsPath, IReadOnlyList<string> args, CgroupPlacement? cgroups,
        OciMount? rootMount = null, RootlessIdentity? rootless = null)
    {
        var namespaces = new List<OciNamespace> { new("pid"), new("ipc"), new("uts"), new("mount") };
        if (spec.Network != NetworkMode.Host)
        {
            namespaces.Add(new OciNamespace("network", spec.SharedNetwork?.Path));
        }

        if (rootless is not null)
        {
            namespaces.Add(new OciNamespace("user"));
        }

        // The description's additions (security.capabilities, which site policy allowed) on top of the defaults.
        string[] capabilities = [.. DefaultCapabilities.Union(spec.Security?.Capabilities.Select(c => "CAP_" + c) ?? [], StringComparer.Ordinal)];
        var process = new OciProcess(
            Terminal: false,
            User: new OciUser(0, 0),
            Args: args,
            Env: [.. spec.Env.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Key + "=" + pair.Value)],
            Cwd: "/",
            Capabilities: new OciCapabilities(capabilities, capabilities, capabilities),
            Rlimits: [new OciRlimit("RLIMIT_NOFILE", 1024, 1024)],
            NoNewPrivileges: true);
        // Always vse/ID, never vse/unlimited-memory/ID (CgroupPlacement.SharedMemoryGroup): runc's
        // cgroup v2 manager (fs2 CreateCgroupPath) writes every controller the host offers into
        // the cgroup.subtree_control of each group on the path, memory included, which would give
        // every launched instance there a memory cgroup again.
        var cgroupsPath = cgroups?.InstanceCgroup(spec.Id);
        // Each granted device: made in the instance's /dev, and allowed by the cgroup's device
        // rules after runc's "deny all" (runc adds its defaults, null, zero, tty and the like).
        var devices = (spec.Devices ?? []).Select(HostDevice.Of).ToList();
        // An unprivileged user's runtime writes limits only into a cgroup delegated to it, and
        // never device rules (a device filter needs privileges).
        var resources = rootless is not null && cgroupsPath is null ? null : new OciResources(
            Devices: rootless is null ? [new OciDeviceRule(false, "rwm"), .. devices.Select(d => new OciDeviceRule(true, "rwm", d.Type, d.Major, d.Minor))] : null,
            Cpu: spec.Cpus is { } cpus && cgroups?.Has("cpu") == true ? new OciCpu(cpus * (long)CpuPeriodMicroseconds, CpuPeriodMicroseconds) : null,
            Memory: spec.MemoryBytes is { } bytes && cgroups?.Has("memory") == true ? new OciMemory(bytes) : null);
        IReadOnlyList<OciMount> mounts = [.. rootMount is null ? [] : new[] { rootMount }, .. DefaultMounts(rootless is not null), .. spec.Mounts.Select(Bind)];
        return new OciSpec(
            OciVersion,
            process,
            new OciRoot(rootfsPath, Readonly: false),
            spec.Hostname,
            mounts,
            new OciLinux(
                namespaces,
                cgroupsPath,
                resources,
                MaskedPaths,
                ReadonlyPaths,
                UidMappings: rootless is null ? null : [new OciIdMapping(0, rootless.Uid, 1)],
                GidMappings: rootless is null ? null : [new OciIdMapping(0, rootless.Gid, 1)],
                Seccomp: spec.Security?.SeccompUnconfined == true ? null : OciSeccompSection.Build(),
                Devices: devices.Count == 0 ? null : [.. devices.Select(d => new OciDevice(d.Device.Path, d.Type, d.Major, d.Minor, (uint)d.Mode, d.Uid, d.Gid))]));
    }

    public static string Serialize(OciSpec spec) => JsonSerializer.Serialize(spec, OciSpecWriterJson.Default.OciSpec);

    /// <summary>The spec <see cref="Write"/> wrote into a bundle (an instance's state directory), read back typed.</summary>
    /// <exception cref="InvalidDataException">The bundle's config.json is empty or not an OCI spec.</exception>
    public static OciSpec Read(string bundleDirectory)
    {
        var path = Path.Combine(bundleDirectory, "config.json");
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), OciSpecJson.Default.OciSpec)
                ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not an OCI runtime spec: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="spec"/> as the bundle's config.json, whole or not at all (written beside
    /// it, then renamed). UTF-8 straight from the serializer, in one write on the calling thread: a
    /// file of ~25 KB in the page cache takes less than handing the write to a pool thread would, and
    /// no UTF-16 copy of it is made to be encoded again (fresh memory the GC must clear on every run).
    /// </summary>
    public static void Write(OciSpec spec, string bundleDirectory)
    {
        var path = Path.Combine(bundleDirectory, "config.json");
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(spec, OciSpecWriterJson.Default.OciSpec));
        File.Move(temporary, path, overwrite: true);
    }

    private static IEnumerable<OciMount> DefaultMounts(bool rootless) =>
    [
        new("/proc", "proc", "proc"),
        new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        // Group 5 (tty) does not exist in a single-id user namespace.
        new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", .. rootless ? Array.Empty<string>() : ["gid=5"]]),
        new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        // A user namespace may not mount sysfs for a network namespace it does not own.
        rootless ? new("/sys", "none", "/sys", ["rbind", "nosuid", "noexec", "nodev", "ro"]) : new("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
    ];

    // rbind so that mounts below a granted directory come along; the mode applies to the bind.
    private static OciMount Bind(InstanceMount mount) =>
        new(mount.Target, "bind", mount.Source, [GrantedMarker, mount.ReadOnly ? "ro" : "rw", "nosuid", "nodev"]);

    // Only the instance's granted mounts are recursive binds: the defaults are proc, tmpfs and the like.
    private const string GrantedMarker = "rbind";

    /// <summary>True for a mount made from an <see cref="InstanceMount"/> (a host path granted to the instance).</summary>
    public static bool IsGranted(OciMount mount) => mount.Type == "bind" && mount.Options?.Contains(GrantedMarker) == true;
}
