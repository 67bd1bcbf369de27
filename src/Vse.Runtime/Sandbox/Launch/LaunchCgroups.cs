using System.Globalization;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// The cgroups of launched instances, <c>HIERARCHY/vse/ID</c> as runc makes them: the launcher
/// creates them and puts the instance in before it runs anything; vse writes the limits while
/// the instance is held, freezes and thaws, and removes them after the instance has ended.
/// </summary>
internal sealed class LaunchCgroups
{
    private const string Root = "/sys/fs/cgroup";

    /// <summary>
    /// The v1 hierarchies an instance joins (those the host has); on a v2-only host, the unified one.
    /// <c>cpu</c> and <c>cpuacct</c> are one hierarchy on some hosts, linked under both names; two on others.
    /// </summary>
    private static readonly string[] V1Hierarchies = ["memory", "cpu", "cpuacct", "pids", "freezer", "devices", "blkio"];

    public LaunchCgroups()
    {
        var v1 = V1Hierarchies.Select(h => Path.Combine(Root, h))
            .Where(d => File.Exists(Path.Combine(d, "cgroup.procs")))
            .DistinctBy(d => new DirectoryInfo(d).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? d)
            .ToList();
        IsV2 = v1.Count == 0 && File.Exists(Path.Combine(Root, "cgroup.controllers"));
        Roots = IsV2 ? [Path.Combine(Root, "vse")] : [.. v1.Select(d => Path.Combine(d, "vse"))];
    }

    /// <summary>The <c>--cgroup-root</c> directories given to the launcher.</summary>
    public IReadOnlyList<string> Roots { get; }

    private bool IsV2 { get; }

    public bool CanFreeze => IsV2 || Roots.Any(r => r.Contains("/freezer/", StringComparison.Ordinal));

    public void SetLimits(string id, int? cpus, long? memoryBytes)
    {
        if (memoryBytes is { } bytes)
        {
            Write(id, IsV2 ? "vse" : "memory", IsV2 ? "memory.max" : "memory.limit_in_bytes", bytes.ToString(CultureInfo.InvariantCulture));
        }

        if (cpus is { } count)
        {
            const int period = 100_000;
            var quota = (count * period).ToString(CultureInfo.InvariantCulture);
            if (IsV2)
            {
                Write(id, "vse", "cpu.max", $"{quota} {period}");
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
        if (IsV2)
        {
            Write(id, "vse", "cgroup.freeze", frozen ? "1" : "0");
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
        var file = IsV2 ? FileOf(id, "vse", "cgroup.freeze") : FileOf(id, "freezer", "freezer.state");
        return File.Exists(file) && File.ReadAllText(file).Trim() is "FROZEN" or "1";
    }

    /// <summary>Removes the instance's cgroups; its processes must have ended (the kernel may lag a moment: retried).</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var directory in Roots.Select(r => Path.Combine(r, id)).Where(Directory.Exists))
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Delete(directory);
                    break;
                }
                catch (IOException) when (attempt < 100)
                {
                    await PollDelay.WaitAsync(attempt, cancellationToken);
                }
            }
        }
    }

    private void Write(string id, string hierarchy, string file, string value)
    {
        var path = FileOf(id, hierarchy, file);
        if (!File.Exists(path))
        {
            throw new IOException($"this host has no {file} for instance '{id}' ({path})");
        }

        File.WriteAllText(path, value);
    }

    private string FileOf(string id, string hierarchy, string file) =>
        IsV2 ? Path.Combine(Root, "vse", id, file) : Path.Combine(Root, hierarchy, "vse", id, file);
}
