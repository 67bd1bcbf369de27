using System.Globalization;

namespace Vse.Runtime.Host;

/// <summary>
/// The facts of the host that decide whether a runtime which worked once still works: the
/// kernel (what <c>uname -r</c> prints), the cgroup layout and the effective user. Read from
/// /proc, so no process is started.
/// </summary>
public sealed record HostIdentity(string KernelRelease, CgroupLayout CgroupLayout, uint EffectiveUid)
{
    public static async Task<HostIdentity> ReadAsync(CancellationToken cancellationToken)
    {
        var kernel = (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease", cancellationToken)).Trim();
        var cgroups = CgroupMounts.Parse(await File.ReadAllTextAsync(CgroupMounts.MountInfoPath, cancellationToken));
        var status = await File.ReadAllTextAsync("/proc/self/status", cancellationToken);
        return new HostIdentity(kernel, cgroups.Layout, EffectiveUidOf(status));
    }

    /// <summary>The effective uid from a <c>/proc/PID/status</c> text: its "Uid:" line lists real, effective, saved and fs uid.</summary>
    public static uint EffectiveUidOf(string procStatus)
    {
        ArgumentNullException.ThrowIfNull(procStatus);
        var line = procStatus.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            ?? throw new InvalidDataException("no Uid: line in the process status");
        var fields = line["Uid:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            ? uid
            : throw new InvalidDataException($"unreadable Uid: line in the process status: '{line}'");
    }
}
