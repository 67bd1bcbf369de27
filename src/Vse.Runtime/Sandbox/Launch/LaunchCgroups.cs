using System.Diagnostics;
using System.Globalization;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// The cgroups of launched instances, where <see cref="CgroupPlacer"/> puts them (v1:
/// <c>HIERARCHY/vse/ID</c> as runc makes them; v2: <c>/sys/fs/cgroup/vse/ID</c>, or the user's
/// delegated subtree, and <c>vse/unlimited-memory/ID</c> without a memory limit): the launcher creates them and puts the instance in before it runs
/// anything; vse writes the limits while the instance is held, freezes and thaws, and removes
/// them after the instance has ended. Without a placement, instances have no cgroup.
/// </summary>
internal sealed class LaunchCgroups
{
    private const string V1Root = "/sys/fs/cgroup";

    /// <summary>
    /// The v1 hierarchies an instance joins (those the host has).
    /// <c>cpu</c> and <c>cpuacct</c> are one hierarchy on some hosts, linked under both names; two on others.
    /// </summary>
    private static readonly string[] V1Hierarchies = ["memory", "cpu", "cpuacct", "pids", "freezer", "devices", "blkio"];

    public LaunchCgroups(CgroupPlacement placement)
    {
        Placement = placement;
        Roots = placement switch
        {
            { V2Directory: { } directory, SharedMemoryDirectory: { } shared } => [directory, shared],
            { V2Directory: { } directory } => [directory],
            { Path: { } path } => [.. V1Hierarchies.Select(h => Path.Combine(V1Root, h))
                .Where(d => File.Exists(Path.Combine(d, "cgroup.procs")))
                .DistinctBy(d => new DirectoryInfo(d).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? d)
                .Select(d => d + path)],
            _ => [],
        };
        if (placement.V2Directory is null)
        {
            // runc makes /vse in each v1 hierarchy with its first container; the launcher only
            // makes DIR/ID, so on a host where runc never ran the parents come from here.
            foreach (var root in Roots)
            {
                Directory.CreateDirectory(root);
            }
        }
    }

    public CgroupPlacement Placement { get; }

    /// <summary>Every hierarchy's parent of the instances' groups (<c>DIR</c> of <c>DIR/ID</c>): where an instance's groups may be.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>
    /// The parents in which an instance like <paramref name="spec"/> gets a group of its own
    /// (<c>--cgroup-root</c>), and those it joins with the other instances (<c>--cgroup-join</c>):
    /// on v1, the memory hierarchy's <c>vse</c> group when it has no memory limit; on v2 (one
    /// hierarchy) such an instance's one group is made under <c>vse/unlimited-memory</c> instead,
    /// which enables every controller for its children but memory (<see cref="CgroupPlacer"/>). A memory
    /// cgroup per instance costs the kernel a shrinker map sized by every superblock on the host
    /// (each instance mounts about ten: overlay, proc, sysfs, tmpfs...), so memory and time per
    /// instance grew with the number of instances (docs/runtime.md, "Scale"). Without a limit the
    /// instance's own group would only count what the shared parent counts anyway.
    /// </summary>
    public (IReadOnlyList<string> Own, IReadOnlyList<string> Shared) RootsFor(InstanceSpec spec)
    {
        if (IsV2)
        {
            return (spec.MemoryBytes is null && Placement.SharedMemoryDirectory is { } shared ? [shared] : [Placement.V2Directory!], []);
        }

        if (spec.MemoryBytes is not null || Placement.Path is not { } path)
        {
            return (Roots, []);
        }

        var memory = Path.Combine(V1Root, "memory") + path;
        return Roots.Contains(memory, StringComparer.Ordinal) && SeparateHierarchy("memory")
            ? ([.. Roots.Where(r => r != memory)], [memory])
            : (Roots, []);
    }

    private bool IsV2 => Placement.V2Directory is not null;

    public bool CanFreeze => Placement.CanFreeze;

    /// <summary>
    /// Makes the instance's cgroups before the launcher does (it takes them as they are): where an
    /// instance is never held (<c>--once</c>), its limits are written into them beforehand.
    /// </summary>
    public void Create(InstanceSpec spec)
    {
        foreach (var root in RootsFor(spec).Own)
        {
            Directory.CreateDirectory(Path.Combine(root, spec.Id));
        }
    }

    /// <summary>Writes the limits the placement can enforce; the others were reported once by the caller (<see cref="Drivers.DriverAbilities.UnappliedLimits"/>).</summary>
    public void SetLimits(string id, int? cpus, long? memoryBytes)
    {
        if (memoryBytes is { } bytes && Placement.Has("memory"))
        {
            Write(id, "memory", IsV2 ? "memory.max" : "memory.limit_in_bytes", bytes.ToString(CultureInfo.InvariantCulture));
        }

        if (cpus is { } count && Placement.Has("cpu"))
        {
            const int period = 100_000;
            var quota = (count * period).ToString(CultureInfo.InvariantCulture);
            if (IsV2)
            {
                Write(id, "cpu", "cpu.max", $"{quota} {period}");
            }
            else
            {
                Write(id, "cpu", "cpu.cfs_period_us", period.ToString(CultureInfo.InvariantCulture));
                Write(id, "cpu", "cpu.cfs_quota_us", quota);
            }
        }
    }

    public async Task FreezeAsync(string id, bool frozen, CancellationToken cancellationToken)
    {
        if (!CanFreeze)
        {
            return;
        }

        if (IsV2)
        {
            Write(id, "freezer", "cgroup.freeze", frozen ? "1" : "0");
            return;
        }

        Write(id, "freezer", "freezer.state", frozen ? "FROZEN" : "THAWED");
        // FREEZING until every task has stopped.
        for (var attempt = 0; frozen && !IsFrozen(id); attempt++)
        {
            await PollDelay.WaitAsync(attempt, cancellationToken);
        }
    }

    public bool IsFrozen(string id)
    {
        if (!CanFreeze)
        {
            return false;
        }

        var file = IsV2 ? FileOf(id, "freezer", "cgroup.freeze") : FileOf(id, "freezer", "freezer.state");
        return File.Exists(file) && File.ReadAllText(file).Trim() is "FROZEN" or "1";
    }

    /// <summary>
    /// How long a group may stay busy (EBUSY) after its init has ended: the kernel ends the rest of
    /// the instance's PID namespace asynchronously, and on 2 cores at load 60-80 (4,096 instances
    /// cleaned up while others build) that took more than the second this once waited.
    /// </summary>
    private static readonly TimeSpan BusyFor = TimeSpan.FromSeconds(30);

    /// <summary>Removes the instance's cgroups; its processes must have ended (the kernel may lag: retried for up to <see cref="BusyFor"/>).</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var directory in Roots.Select(r => Path.Combine(r, id)).Where(Directory.Exists))
        {
            var clock = Stopwatch.StartNew();
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Delete(directory);
                    break;
                }
                catch (IOException) when (clock.Elapsed < BusyFor)
                {
                    await PollDelay.WaitAsync(attempt, cancellationToken);
                }
            }
        }
    }

    /// <summary>True when the v1 hierarchy is mounted under its own name, not a link to one it shares with other controllers (<c>cpu -> cpu,cpuacct</c>), whose groups each instance keeps.</summary>
    private static bool SeparateHierarchy(string hierarchy) => new DirectoryInfo(Path.Combine(V1Root, hierarchy)).LinkTarget is null;

    private void Write(string id, string hierarchy, string file, string value)
    {
        var path = FileOf(id, hierarchy, file);
        if (!File.Exists(path))
        {
            throw new IOException($"this host has no {file} for instance '{id}' ({path})");
        }

        File.WriteAllText(path, value);
    }

    /// <param name="hierarchy">The v1 hierarchy that has <paramref name="file"/>; on v2 every file is in the instance's one group.</param>
    private string FileOf(string id, string hierarchy, string file) =>
        IsV2 ? Path.Combine(V2GroupOf(id), file) : Path.Combine(V1Root, hierarchy + Placement.Path, id, file);

    /// <summary>The instance's one v2 group: under <c>vse</c>, or under <c>vse/unlimited-memory</c> where it was made there.</summary>
    private string V2GroupOf(string id) =>
        Roots.Select(r => Path.Combine(r, id)).FirstOrDefault(Directory.Exists) ?? Path.Combine(Placement.V2Directory!, id);
}
