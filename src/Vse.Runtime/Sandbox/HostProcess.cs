namespace Vse.Runtime.Sandbox;

/// <summary>What the host's <c>/proc</c> says about a process, without asking a runtime.</summary>
public static class HostProcess
{
    /// <summary>
    /// True when the process is gone or a zombie: an instance's init is reparented to the host's
    /// PID 1 when the runtime exits, and whether that reaps it promptly is not ours to know; a
    /// zombie runs nothing.
    /// </summary>
    /// <param name="cgroups">
    /// The cgroups the instance's init may be in (<c>/vse/ID</c>, <see cref="Host.CgroupPlacement.InstanceCgroups"/>), when it has any: a process
    /// in none of them is not the instance's init any more but another process that got its PID
    /// (pid_max is 32,768 here, so PIDs come round quickly), and counts as ended. Never signal a PID without them.
    /// </param>
    public static bool HasEnded(int pid, IReadOnlyList<string> cgroups) => HasEnded(pid) || (cgroups.Count > 0 && !IsIn(pid, cgroups));

    public static bool HasEnded(int pid) => Vse.Host.Processes.ProcessStart.Of(pid) is null;

    private static bool IsIn(int pid, IReadOnlyList<string> cgroups)
    {
        try
        {
            // "ID:CONTROLLERS:PATH" per hierarchy, as the host sees it.
            return File.ReadLines($"/proc/{pid}/cgroup").Any(line => cgroups.Any(cgroup => line.EndsWith(":" + cgroup, StringComparison.Ordinal)));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
