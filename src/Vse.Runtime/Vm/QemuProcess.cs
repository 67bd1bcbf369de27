using System.Globalization;
using Vse.Runtime.Drivers;
using Vse.Runtime.Processes;
using Vse.Runtime.Sandbox;

namespace Vse.Runtime.Vm;

/// <summary>
/// One QEMU process of an instance, known by the PID file QEMU writes when it daemonises. A PID
/// counts as that QEMU only while the process's command line names the run's own monitor
/// socket: PIDs come round quickly here (pid_max 32,768), and vse never signals a process it
/// cannot tell is the instance's.
/// </summary>
internal static class QemuProcess
{
    /// <returns>The PID of the instance's running QEMU, or null when none runs.</returns>
    public static int? Running(VmFiles files) => files.Current() is { } run ? Running(run) : null;

    /// <returns>The PID of the run's QEMU while it runs, else null.</returns>
    public static int? Running(VmRun run)
    {
        int pid;
        try
        {
            if (!int.TryParse(File.ReadAllText(run.Pid).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pid))
            {
                return null;
            }
        }
        catch (IOException)
        {
            return null;
        }

        return Is(pid, run) ? pid : null;
    }

    public static Task<bool> WaitEndedAsync(int pid, VmRun run, TimeSpan timeout, TimeSpan interval, CancellationToken cancellationToken) =>
        DriverContract.WaitEndedAsync(_ => Task.FromResult(!Is(pid, run)), timeout, interval, cancellationToken);

    public static void Kill(int pid, VmRun run)
    {
        if (Is(pid, run))
        {
            Signals.Send(pid, Signal.Kill);
        }
    }

    private static bool Is(int pid, VmRun run)
    {
        if (HostProcess.HasEnded(pid))
        {
            return false;
        }

        try
        {
            // NUL-separated arguments; the monitor's option holds the socket's path.
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(QemuMachine.Escape(run.Monitor), StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
