using Vse.Host.Processes;

namespace Vse.Runtime.Host;

/// <summary>
/// The facts of the host that decide whether a runtime which worked once still works: the
/// kernel (what <c>uname -r</c> prints), the cgroup layout and the effective user. Read from
/// /proc and the kernel, so no process is started.
/// </summary>
public sealed record HostIdentity(string KernelRelease, CgroupLayout CgroupLayout, uint EffectiveUid)
{
    /// <remarks>
    /// The files are read synchronously: on Linux an asynchronous file read is a blocking read on
    /// a thread-pool thread, which started the pool's threads for reads of a few hundred bytes
    /// on every runtime lookup (~1.4 ms of a one-shot run's CPU, bench/RESULTS.md "runc5").
    /// The effective uid is asked of the kernel, not parsed from /proc/self/status.
    /// </remarks>
    public static Task<HostIdentity> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var cgroups = CgroupMounts.Parse(File.ReadAllText(CgroupMounts.MountInfoPath));
        return Task.FromResult(new HostIdentity(kernel, cgroups.Layout, ProcessIdentity.Current.Uid));
    }
}
