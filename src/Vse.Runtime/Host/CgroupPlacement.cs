namespace Vse.Runtime.Host;

/// <summary>
/// Where vse's instances' cgroups go on this host, and which controllers (so which limits) they
/// get there. Three shapes: v1 hierarchies (<see cref="Path"/> set, <see cref="V2Directory"/>
/// null: <c>/sys/fs/cgroup/CONTROLLER/vse/ID</c>, root only), a v2 directory (both set:
/// <c>/sys/fs/cgroup/vse/ID</c> as root, <c>DELEGATED/vse/ID</c> as an ordinary user), or none
/// (<see cref="Path"/> null: instances start without a cgroup of their own).
/// </summary>
/// <param name="Layout">How the host mounts its cgroup hierarchies.</param>
/// <param name="Path">The parent of the instances' cgroups as <c>/proc/PID/cgroup</c> and an OCI <c>cgroupsPath</c> name it (<c>/vse</c>), or null without cgroups.</param>
/// <param name="V2Directory">On v2: the directory whose children are the instances' cgroups; null on v1 or without cgroups.</param>
/// <param name="Delegated">True when the v2 directory lies in a subtree delegated to this (unprivileged) user.</param>
/// <param name="Controllers">The controllers an instance's cgroup has (sorted): v1 hierarchies mounted, or those enabled for the v2 directory's children.</param>
/// <param name="Reason">Why instances get no cgroup, or why a controller vse wants is missing; null when nothing is.</param>
/// <param name="SharedMemoryControllers">
/// On v2, when <see cref="Controllers"/> has memory: the controllers the children of
/// <see cref="SharedMemoryGroup"/> get, every one of <see cref="Controllers"/> but memory. Null
/// where there is no such group (v1, no cgroups, no memory controller, or it could not be made).
/// </param>
public sealed record CgroupPlacement(
    CgroupLayout Layout, string? Path, string? V2Directory, bool Delegated, IReadOnlyList<string> Controllers, string? Reason,
    IReadOnlyList<string>? SharedMemoryControllers = null)
{
    /// <summary>
    /// The child of the v2 directory whose own children are the groups of launched instances
    /// without a memory limit (docs/runtime.md, "Scale"): it does not enable memory for them, so
    /// they share its one memory group instead of a memory cgroup each. No instance id has this
    /// form (ids end in <c>-INDEX</c> or are <c>build-HEX</c>).
    /// </summary>
    public const string SharedMemoryGroup = "unlimited-memory";

    /// <summary>The directory of <see cref="SharedMemoryGroup"/>, or null where there is none.</summary>
    public string? SharedMemoryDirectory =>
        SharedMemoryControllers is null || V2Directory is null ? null : System.IO.Path.Combine(V2Directory, SharedMemoryGroup);

    /// <summary>The instance's cgroup as <c>/proc/PID/cgroup</c> and the runtime's config name it; null when instances get none.</summary>
    public string? InstanceCgroup(string id) => Path is null ? null : Path + "/" + id;

    /// <summary>
    /// The cgroups an instance's init may be in, as <c>/proc/PID/cgroup</c> names them: its own
    /// group, and on v2 its group under <see cref="SharedMemoryGroup"/> (a launched instance
    /// without a memory limit); empty when instances get none.
    /// </summary>
    public IReadOnlyList<string> InstanceCgroups(string id) =>
        Path is null ? [] : SharedMemoryDirectory is null ? [Path + "/" + id] : [Path + "/" + id, $"{Path}/{SharedMemoryGroup}/{id}"];

    /// <summary>Whether an instance's cgroup has <paramref name="controller"/>, so the limits it enforces apply.</summary>
    public bool Has(string controller) => Controllers.Contains(controller, StringComparer.Ordinal);

    /// <summary>Instances can be frozen: v2 has <c>cgroup.freeze</c> in every group, v1 needs the freezer hierarchy.</summary>
    public bool CanFreeze => V2Directory is not null || (Path is not null && Has("freezer"));

    /// <summary>Why a limit that needs <paramref name="controller"/> is not applied; null when it is.</summary>
    public string? WhyNot(string controller) =>
        Has(controller) ? null
        : Path is null ? Reason ?? "instances get no cgroup here"
        : $"the {controller} controller is not available to vse's cgroups ({V2Directory ?? "/sys/fs/cgroup/" + controller}){(Reason is null ? "" : ": " + Reason)}";
}
