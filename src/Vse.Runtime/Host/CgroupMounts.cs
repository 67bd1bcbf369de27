using System.Text;

namespace Vse.Runtime.Host;

/// <summary>
/// Reads the cgroup layout from <c>/proc/self/mountinfo</c>: what is mounted in this process's
/// mount namespace is what a runtime started from here will see, unlike <c>/proc/filesystems</c>
/// (what the kernel could mount) or the directory names under <c>/sys/fs/cgroup</c> (which an
/// ordinary tmpfs can imitate).
/// </summary>
public static class CgroupMounts
{
    public const string MountInfoPath = "/proc/self/mountinfo";

    // The v1 mount options that name controllers; the rest (rw, relatime, name=systemd,
    // clone_children, ...) are flags of the mount, not resources it controls.
    private static readonly HashSet<string> KnownV1Controllers = new(StringComparer.Ordinal)
    {
        "blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory", "misc",
        "net_cls", "net_prio", "perf_event", "pids", "rdma",
    };

    /// <summary>The layout and v1 controllers of a mountinfo text; <see cref="CgroupReport.V2Controllers"/> is left empty.</summary>
    public static CgroupReport Parse(string mountInfo)
    {
        ArgumentNullException.ThrowIfNull(mountInfo);
        string? v2MountPoint = null;
        var v1Controllers = new SortedSet<string>(StringComparer.Ordinal);
        var v1Mounted = false;
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ParseLine(line) is not var (mountPoint, type, superOptions))
            {
                continue;
            }

            if (type == "cgroup2")
            {
                // Several v2 mounts (bind mounts, a container's view) can exist; the shortest path is the host's.
                if (v2MountPoint is null || mountPoint.Length < v2MountPoint.Length)
                {
                    v2MountPoint = mountPoint;
                }
            }
            else if (type == "cgroup")
            {
                v1Mounted = true;
                v1Controllers.UnionWith(superOptions.Split(',').Where(KnownV1Controllers.Contains));
            }
        }

        var layout = (v1Mounted, v2MountPoint is not null) switch
        {
            (true, true) => CgroupLayout.Hybrid,
            (true, false) => CgroupLayout.V1,
            (false, true) => CgroupLayout.V2,
            _ => CgroupLayout.None,
        };
        return new CgroupReport(layout, v2MountPoint, [.. v1Controllers], []);
    }

    /// <summary>This process's layout, with the controllers the v2 hierarchy offers.</summary>
    /// <remarks>Read synchronously, as <see cref="HostIdentity.ReadAsync"/>: two small files, not worth the thread pool's threads.</remarks>
    public static Task<CgroupReport> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var report = Parse(File.ReadAllText(MountInfoPath));
        if (report.V2MountPoint is null)
        {
            return Task.FromResult(report);
        }

        var controllers = Path.Combine(report.V2MountPoint, "cgroup.controllers");
        return Task.FromResult(File.Exists(controllers)
            ? report with { V2Controllers = File.ReadAllText(controllers).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList() }
            : report);
    }

    /// <summary>
    /// One mountinfo line: <c>ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS</c>
    /// (proc(5)); the optional fields vary in number, so the type is found after the lone "-".
    /// </summary>
    private static (string MountPoint, string Type, string SuperOptions)? ParseLine(string line)
    {
        var fields = line.Split(' ');
        var separator = fields.Length > 6 ? Array.IndexOf(fields, "-", 6) : -1;
        if (separator < 0 || separator + 3 > fields.Length)
        {
            return null;
        }

        return (Unescape(fields[4]), fields[separator + 1], separator + 3 < fields.Length ? fields[separator + 3] : "");
    }

    // The kernel writes space, tab, newline and backslash in paths as \ooo octal escapes.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 4 <= field.Length && TryOctal(field.AsSpan(i + 1, 3), out var value))
            {
                text.Append((char)value);
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (digit is < '0' or > '7')
            {
                return false;
            }

            value = (value * 8) + (digit - '0');
        }

        return true;
    }
}
