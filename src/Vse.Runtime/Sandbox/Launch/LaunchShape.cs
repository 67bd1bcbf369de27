using Vse.Description.Model;
using Vse.Host.Confinement;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// What every instance of one launch shares: its environment, mounts, cgroup hierarchies, first
/// process and private network. Passed to the launcher as arguments (never through a shell).
/// </summary>
/// <param name="Argv">
/// The instance's first process: the shell init of <see cref="SandboxDriver.InitScript"/> when
/// it has services to start; empty without services, for the launcher's own init (<c>--init</c>),
/// which does what the script then does (stay up as PID 1, reap, exit 0 on SIGTERM) without a
/// shell and a <c>sleep</c> per instance: a third of the launch's CPU at 1,024 instances.
/// </param>
/// <param name="Fabric">The deployment's fabric namespace (<c>/run/netns/NAME</c>, rootless <c>/proc/HOLDER/ns/net</c>), or null without a private network.</param>
/// <param name="FabricUserNamespace">
/// Rootless: the fabric's user namespace (<see cref="NetworkAttachment.FabricUserNamespacePath"/>), or that of the shared
/// network namespace (<see cref="SharedNetworkNamespace.UserNamespacePath"/>), which the launcher joins before
/// the fabric or <paramref name="SharedNetwork"/> (<c>--fabric-userns</c>) and makes its instances in; null otherwise.
/// </param>
/// <param name="SeccompFilter">
/// The compiled syscall filter every instance loads last before exec (<see cref="LaunchSeccompFilter"/>),
/// or null for none (<c>security.seccomp: unconfined</c>, which site policy allowed).
/// </param>
/// <param name="Capabilities">Capability numbers added to the default set (<c>security.capabilities</c>).</param>
/// <param name="Devices">
/// Host device nodes every instance gets (<c>--device HOST:PATH</c>): the launcher makes each in the
/// instance's <c>/dev</c> (bound from the host's in a user namespace) and allows it in the devices
/// hierarchy (cgroup v1).
/// </param>
/// <param name="Hold">
/// Each instance waits, set up, for <c>start ID</c>: for a separate create and start, and for
/// limits, which vse writes into the instance's cgroups before anything of it runs. Without it an
/// instance runs as soon as it is set up: one round trip less per instance.
/// </param>
/// <param name="SysfsNetwork">
/// The empty network namespace in which the launcher makes the one sysfs all its instances share
/// (<c>--sysfs-netns</c>, <see cref="SharedSysfs"/>), or null for a sysfs each. Bulk launches only:
/// <c>--once</c> makes one instance, for which one sysfs of its own costs the same.
/// </param>
/// <param name="Mtu">With <paramref name="Fabric"/>: both ends of every instance's veth pair (<see cref="NetworkAttachment.Mtu"/>, <c>--mtu</c>).</param>
/// <param name="SharedNetwork">
/// The network namespace every instance is made in instead of one of its own (<c>--netns</c>,
/// <see cref="InstanceSpec.SharedNetwork"/>), or null.
/// </param>
internal sealed record LaunchShape(
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<InstanceMount> Mounts,
    IReadOnlyList<string> CgroupRoots,
    IReadOnlyList<string> Argv,
    string? Fabric,
    string? SeccompFilter,
    IReadOnlyList<int> Capabilities,
    bool Hold,
    bool UserNamespace = false,
    string? FabricUserNamespace = null,
    IReadOnlyList<InstanceDevice>? Devices = null,
    IReadOnlyList<string>? CgroupJoins = null,
    string? SysfsNetwork = null,
    int? Mtu = null,
    string? SharedNetwork = null)
{
    /// <param name="seccompFilter">The compiled filter's file (<see cref="LaunchSeccompFilter"/>), or null when the spec asks for none (<c>security.seccomp: unconfined</c>).</param>
    /// <param name="userNamespace">vse runs unprivileged: each instance gets a user namespace in which the user is root (<c>--userns</c>).</param>
    /// <param name="cgroupJoins">Groups every instance joins instead of getting one of its own (<see cref="LaunchCgroups.RootsFor"/>).</param>
    public static LaunchShape Of(
        InstanceSpec spec, string? seccompFilter, IReadOnlyList<string> cgroupRoots, bool hold, bool userNamespace, IReadOnlyList<string>? cgroupJoins = null) =>
        new(spec.Env, spec.Mounts, cgroupRoots, InitOf(spec), FabricOf(spec), seccompFilter, CapabilitiesOf(spec), hold, userNamespace,
            OwningUserNamespaceOf(spec), spec.Devices ?? [], cgroupJoins ?? [], SharedSysfs.NamespaceFor(spec, userNamespace),
            spec.Attachment?.Mtu, spec.SharedNetwork?.Path);

    /// <summary>Whether instances like <paramref name="spec"/> must be held for their limits to be written first.</summary>
    public static bool HasLimits(InstanceSpec spec) => spec.Cpus is not null || spec.MemoryBytes is not null;

    /// <summary>The instance line's network fields (address, bridge, fabric-side link), when the launch has a fabric.</summary>
    public static string NetworkFields(InstanceSpec spec) =>
        spec.Attachment is { } a ? $"\t{a.Address}\t{a.Bridge}\t{a.FabricInterface}" : "";

    private static IReadOnlyList<string> InitOf(InstanceSpec spec) =>
        spec.Services.Count == 0 ? [] : SandboxDriver.InitArgs(spec.Services);

    private static int[] CapabilitiesOf(InstanceSpec spec) =>
        [.. (spec.Security?.Capabilities ?? []).Select(LinuxCapabilities.NumberOf).Where(n => n >= 0).Order()];

    private static string? FabricOf(InstanceSpec spec) =>
        spec.Attachment?.FabricNetworkPath;

    /// <summary>Rootless: the user namespace that owns the network namespace the instances are made in or plugged from.</summary>
    private static string? OwningUserNamespaceOf(InstanceSpec spec) =>
        spec.Attachment?.FabricUserNamespacePath ?? spec.SharedNetwork?.UserNamespacePath;

    /// <summary>True when <paramref name="spec"/>, with <paramref name="seccompFilter"/> as its filter's file, can join a launch of this shape.</summary>
    public bool Fits(InstanceSpec spec, string? seccompFilter) =>
        spec.Env.Count == Env.Count && spec.Env.All(e => Env.TryGetValue(e.Key, out var v) && v == e.Value)
        && spec.Mounts.SequenceEqual(Mounts)
        && InitOf(spec).SequenceEqual(Argv)
        && FabricOf(spec) == Fabric
        && OwningUserNamespaceOf(spec) == FabricUserNamespace
        && spec.Attachment?.Mtu == Mtu
        && spec.SharedNetwork?.Path == SharedNetwork
        && seccompFilter == SeccompFilter
        && CapabilitiesOf(spec).SequenceEqual(Capabilities)
        && (spec.Devices ?? []).SequenceEqual(Devices ?? [])
        && SharedSysfs.NamespaceFor(spec, UserNamespace) == SysfsNetwork
        && (Hold || !HasLimits(spec));

    public IEnumerable<string> Arguments() =>
        [.. SharedArguments(), .. SysfsNetwork is null ? Array.Empty<string>() : ["--sysfs-netns", SysfsNetwork], .. FirstProcess(Argv)];

    /// <summary>
    /// The launcher as one instance in the foreground (<c>--once</c>, <c>vse run</c>): <paramref name="line"/>'s instance
    /// runs <paramref name="argv"/> with the launcher's stdio, and the launcher exits with its exit code.
    /// </summary>
    /// <param name="workingDirectory">The command's working directory in the instance; null: <c>/</c>.</param>
    /// <param name="onceOptions">Options of <c>--once</c> alone (<c>--discard</c>, <c>--failure-exit</c>), put before it.</param>
    public IEnumerable<string> OnceArguments(LaunchLine line, IReadOnlyList<string> argv, string? workingDirectory, IEnumerable<string>? onceOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        return [.. SharedArguments(),
            .. onceOptions ?? [],
            "--once", line.Text,
            .. workingDirectory is null ? Array.Empty<string>() : ["--cwd", workingDirectory],
            .. FirstProcess(argv)];
    }

    private static IEnumerable<string> FirstProcess(IReadOnlyList<string> argv) => argv.Count == 0 ? ["--init"] : ["--", .. argv];

    private IEnumerable<string> SharedArguments()
    {
        if (Hold)
        {
            yield return "--hold";
        }

        if (UserNamespace)
        {
            yield return "--userns";
        }

        if (FabricUserNamespace is not null)
        {
            // A rootless fabric or shared namespace: joined first, it gives the launcher the rights --fabric and --netns need.
            yield return "--fabric-userns";
            yield return FabricUserNamespace;
        }

        if (Fabric is not null)
        {
            // The launcher plugs each instance in by netlink before it reports it held.
            yield return "--fabric";
            yield return Fabric;
        }

        if (SharedNetwork is not null)
        {
            // The launcher moves into it for good; its instances get no network namespace of their own.
            yield return "--netns";
            yield return SharedNetwork;
        }

        if (Mtu is { } mtu)
        {
            yield return "--mtu";
            yield return mtu.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (SeccompFilter is not null)
        {
            yield return "--seccomp";
            yield return SeccompFilter;
        }

        foreach (var capability in Capabilities)
        {
            yield return "--cap";
            yield return capability.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var mount in Mounts)
        {
            yield return mount.ReadOnly ? "--bind" : "--bind-rw";
            yield return $"{Path.GetFullPath(mount.Source)}:{mount.Target}";
        }

        foreach (var device in Devices ?? [])
        {
            yield return "--device";
            yield return $"{device.HostPath}:{device.Path}";
        }

        foreach (var root in CgroupRoots)
        {
            yield return "--cgroup-root";
            yield return root;
        }

        foreach (var shared in CgroupJoins ?? [])
        {
            yield return "--cgroup-join";
            yield return shared;
        }

        foreach (var (key, value) in Env)
        {
            yield return "--env";
            yield return $"{key}={value}";
        }
    }
}
