using System.Globalization;
using Vse.Host.FileSystem;

namespace Vse.Runtime.Host;

/// <summary>
/// The one place that decides where vse's instances' cgroups go (<see cref="CgroupPlacement"/>)
/// and, on cgroup v2, makes that place: as root, vse's own group <c>/sys/fs/cgroup/vse</c>; as
/// an ordinary user, <c>vse</c> in the subtree delegated to the user (systemd's
/// <c>user@UID.service</c> with <c>Delegate=yes</c>, a resource manager's job cgroup: the
/// topmost group above this process that the user owns, so every command of that user finds the
/// same place whichever child group it runs in). The controllers vse wants are enabled in the
/// <c>cgroup.subtree_control</c> of that subtree's top and of <c>vse</c>, where available. On v1
/// and hybrid hosts root keeps <c>/sys/fs/cgroup/CONTROLLER/vse</c>, and ordinary users get no
/// cgroup (v1 is not delegated). Never throws for what the host lacks: the placement says why.
/// </summary>
public static class CgroupPlacer
{
    /// <summary>The controllers instances' limits need: cpus (cpu), memory, and what v2 accounts besides (pids, io).</summary>
    public static readonly IReadOnlyList<string> Wanted = ["cpu", "io", "memory", "pids"];

    /// <summary>The group an unprivileged vse moves itself into when it runs in the top of its delegated subtree (no-internal-process rule).</summary>
    public const string SelfLeaf = "vse-self";

    private const string ParentName = "vse";
    private const string SelfCgroupPath = "/proc/self/cgroup";

    private static readonly Lazy<CgroupPlacement> Prepared = new(() => Prepare(ReadHost(), Environment.ProcessId, Wanted));
    private static readonly Lazy<CgroupPlacement> Located = new(() => Locate(ReadHost(), Wanted));

    /// <summary>
    /// This process's placement, made once per process (the first driver that needs it): a few
    /// writes to cgroupfs, which never block, so this is synchronous and not cancellable.
    /// </summary>
    public static CgroupPlacement ForThisProcess() => Prepared.Value;

    /// <summary>Where this process's instances' cgroups are, changing nothing (<c>vse ps</c>, <c>vse doctor</c>).</summary>
    public static CgroupPlacement LocateForThisProcess() => Prepared.IsValueCreated ? Prepared.Value : Located.Value;

    /// <summary>The facts a placement is decided from.</summary>
    /// <param name="SelfCgroup">The text of <c>/proc/self/cgroup</c>.</param>
    /// <param name="EffectiveUid">Who vse runs as: 0 places as root.</param>
    public sealed record HostFacts(CgroupReport Mounts, string SelfCgroup, uint EffectiveUid);

    /// <summary>Where instances' cgroups go and which controllers they would get, without creating or enabling anything.</summary>
    public static CgroupPlacement Locate(HostFacts host, IReadOnlyList<string> wanted) => Decide(host, wanted, selfPid: null);

    /// <summary>Like <see cref="Locate"/>, and on v2 makes the parent group, enables the controllers and, when needed, moves <paramref name="selfPid"/> into a leaf.</summary>
    public static CgroupPlacement Prepare(HostFacts host, int selfPid, IReadOnlyList<string> wanted) => Decide(host, wanted, selfPid);

    /// <summary>The v2 path of a process from its <c>/proc/PID/cgroup</c> text (the <c>0::PATH</c> line), or null without one.</summary>
    public static string? V2PathOf(string procCgroup)
    {
        ArgumentNullException.ThrowIfNull(procCgroup);
        return procCgroup.Split('\n').FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..].TrimEnd();
    }

    private static HostFacts ReadHost() => new(
        CgroupMounts.ReadAsync(CancellationToken.None).GetAwaiter().GetResult(),
        File.Exists(SelfCgroupPath) ? File.ReadAllText(SelfCgroupPath) : "",
        Vse.Host.Processes.ProcessIdentity.Current.Uid);

    private static CgroupPlacement Decide(HostFacts host, IReadOnlyList<string> wanted, int? selfPid)
    {
        var mounts = host.Mounts;
        var root = host.EffectiveUid == 0;
        switch (mounts.Layout)
        {
            case CgroupLayout.None:
                return None(mounts.Layout, "no cgroup file system is mounted");
            case CgroupLayout.V1 or CgroupLayout.Hybrid when root:
                // runc and the launcher make /vse/ID in every v1 hierarchy, as before v2 existed.
                return new CgroupPlacement(mounts.Layout, "/" + ParentName, null, false, mounts.V1Controllers, null);
            case CgroupLayout.V1 or CgroupLayout.Hybrid:
                return None(mounts.Layout, $"vse runs as uid {Uid(host)} on a cgroup {Name(mounts.Layout)} host, and v1 controllers are never delegated to an ordinary user");
        }

        var mount = mounts.V2MountPoint!;
        string top;
        if (root)
        {
            top = "";
        }
        else
        {
            var self = V2PathOf(host.SelfCgroup);
            if (self is null || DelegatedTop(mount, self, host.EffectiveUid) is not { } delegatedTop)
            {
                return None(mounts.Layout, $"vse runs as uid {Uid(host)} in cgroup {self ?? "(unknown)"}, which is not delegated to it: start vse in a delegated cgroup (systemd-run --user --scope -p Delegate=yes, or a resource manager's job cgroup)");
            }

            top = delegatedTop;
            if (selfPid is { } pid && self == top && !MoveToLeaf(mount, top, pid, out var error))
            {
                return None(mounts.Layout, $"cannot move vse out of its delegated cgroup {top} into {top}/{SelfLeaf}: {error}");
            }
        }

        return selfPid is null ? Predict(mounts.Layout, mount, top, !root, wanted) : Make(mounts.Layout, mount, top, !root, wanted);
    }

    /// <summary>The topmost group on <paramref name="self"/>'s path that the user owns with its control files (what delegation means), or null.</summary>
    private static string? DelegatedTop(string mount, string self, uint uid)
    {
        string? top = null;
        for (var path = self; path.Length > 1; path = ParentOf(path))
        {
            var directory = Join(mount, path);
            if (!OwnedBy(directory, uid) || !OwnedBy(Path.Combine(directory, "cgroup.procs"), uid) || !OwnedBy(Path.Combine(directory, "cgroup.subtree_control"), uid))
            {
                break;
            }

            top = path;
        }

        return top;
    }

    private static CgroupPlacement Predict(CgroupLayout layout, string mount, string top, bool delegated, IReadOnlyList<string> wanted)
    {
        var available = ReadList(Path.Combine(Join(mount, top), "cgroup.controllers"));
        var controllers = wanted.Where(available.Contains).Order(StringComparer.Ordinal).ToList();
        return Placed(layout, mount, top, delegated, controllers, Missing(wanted, controllers, Join(mount, top), null))
            with { SharedMemoryControllers = controllers.Contains("memory") ? WithoutMemory(controllers) : null };
    }

    private static CgroupPlacement Make(CgroupLayout layout, string mount, string top, bool delegated, IReadOnlyList<string> wanted)
    {
        var topDirectory = Join(mount, top);
        var parent = Path.Combine(topDirectory, ParentName);
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return None(layout, $"cannot create {parent}: {e.Message}");
        }

        var available = ReadList(Path.Combine(topDirectory, "cgroup.controllers"));
        var enabled = new List<string>();
        string? failure = null;
        foreach (var controller in wanted.Where(available.Contains))
        {
            // One controller a write: the kernel refuses the whole write if one of several fails.
            if (Enable(topDirectory, controller, out var error) && Enable(parent, controller, out error))
            {
                enabled.Add(controller);
            }
            else
            {
                failure ??= $"enabling {controller} failed: {error}";
            }
        }

        enabled.Sort(StringComparer.Ordinal);
        return Placed(layout, mount, top, delegated, enabled, Missing(wanted, enabled, topDirectory, failure))
            with { SharedMemoryControllers = enabled.Contains("memory") ? MakeSharedMemoryGroup(parent, enabled) : null };
    }

    /// <summary>
    /// Makes <c>vse/unlimited-memory</c>, the parent of launched instances without a memory limit,
    /// enabling for its children every controller vse's own group enables but memory: a memory
    /// cgroup per instance costs the kernel a shrinker map as long as the host's superblock count,
    /// so memory per instance grew with the number of instances (docs/runtime.md, "Scale"). Its
    /// children still get cpu, io and pids of their own. Null when it cannot be made: such
    /// instances then get a group under <c>vse</c> like the others.
    /// </summary>
    private static List<string>? MakeSharedMemoryGroup(string parent, IReadOnlyList<string> enabled)
    {
        var group = Path.Combine(parent, CgroupPlacement.SharedMemoryGroup);
        try
        {
            Directory.CreateDirectory(group);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var controllers = WithoutMemory(enabled).Where(c => Enable(group, c, out _)).ToList();
        return Disable(group, "memory") ? controllers : null;
    }

    private static List<string> WithoutMemory(IReadOnlyList<string> controllers) => [.. controllers.Where(c => c != "memory")];

    private static CgroupPlacement Placed(CgroupLayout layout, string mount, string top, bool delegated, IReadOnlyList<string> controllers, string? reason) =>
        new(layout, top + "/" + ParentName, Path.Combine(Join(mount, top), ParentName), delegated, controllers, reason);

    private static string? Missing(IReadOnlyList<string> wanted, IReadOnlyList<string> got, string topDirectory, string? failure)
    {
        var missing = wanted.Except(got, StringComparer.Ordinal).ToList();
        return missing.Count == 0 ? null
            : failure ?? $"{string.Join(", ", missing)} not offered to {topDirectory} (its cgroup.controllers; the parent group must enable {(missing.Count == 1 ? "it" : "them")} in cgroup.subtree_control)";
    }

    private static bool Enable(string directory, string controller, out string? error)
    {
        error = null;
        var control = Path.Combine(directory, "cgroup.subtree_control");
        if (ReadList(control).Contains(controller))
        {
            return true;
        }

        try
        {
            File.WriteAllText(control, "+" + controller);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // EBUSY: the group holds processes (no-internal-process rule); EACCES: not ours.
            error = $"{control}: {e.Message}";
            return false;
        }
    }

    /// <summary>Makes sure <paramref name="controller"/> is not enabled for <paramref name="directory"/>'s children (something else may have enabled it).</summary>
    private static bool Disable(string directory, string controller)
    {
        var control = Path.Combine(directory, "cgroup.subtree_control");
        if (!ReadList(control).Contains(controller))
        {
            return true;
        }

        try
        {
            File.WriteAllText(control, "-" + controller);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Moves this process out of the top of its delegated subtree, which must hold no process to give its children controllers.</summary>
    private static bool MoveToLeaf(string mount, string top, int pid, out string? error)
    {
        error = null;
        var leaf = Path.Combine(Join(mount, top), SelfLeaf);
        try
        {
            Directory.CreateDirectory(leaf);
            File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }

    private static CgroupPlacement None(CgroupLayout layout, string reason) => new(layout, null, null, false, [], reason);

    private static bool OwnedBy(string path, uint uid) => Nodes.StatusOrNull(path, followSymlink: false)?.Uid == uid;

    private static HashSet<string> ReadList(string file)
    {
        try
        {
            return [.. File.ReadAllText(file).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string Join(string mount, string cgroupPath) => cgroupPath is "" or "/" ? mount : mount.TrimEnd('/') + cgroupPath;

    private static string ParentOf(string cgroupPath)
    {
        var slash = cgroupPath.LastIndexOf('/');
        return slash <= 0 ? "/" : cgroupPath[..slash];
    }

    private static string Uid(HostFacts host) => host.EffectiveUid.ToString(CultureInfo.InvariantCulture);

    private static string Name(CgroupLayout layout) => layout == CgroupLayout.Hybrid ? "hybrid (v1 controllers)" : "v1";
}
