using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// A sandbox instance's init as the host sees it, the same on both ways of starting one: its
/// PID, kept in <c>STATE/init.pid</c> (the OCI runtime's <c>--pid-file</c>, or vse for launched
/// instances); its cgroup is where <see cref="Host.CgroupPlacer"/> puts it.
/// </summary>
public static class InstanceProcess
{
    public static string PidFile(InstanceHandle handle) => Path.Combine(handle.StateDirectory, "init.pid");

    /// <summary>The init's host PID as recorded; null before there is one. Check it with <see cref="HostProcess.HasEnded(int, IReadOnlyList{string})"/> before signalling.</summary>
    public static int? Pid(InstanceHandle handle)
    {
        var file = PidFile(handle);
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) && pid > 0 ? pid : null;
    }
}
