using System.Globalization;

namespace Vse.Host.Processes;

/// <summary>
/// A process as the host knows it: its PID and when it started (field 22 of <c>/proc/PID/stat</c>,
/// in clock ticks since boot). The pair names one process for the host's uptime: a PID alone
/// comes round again (pid_max is 32,768 here), the start time tells the process that got it next.
/// An <c>execve</c> keeps both, so a process that replaces itself with another program stays the same one.
/// </summary>
public sealed record ProcessStart(int Pid, ulong StartTicks)
{
    /// <summary>This process.</summary>
    public static ProcessStart OfThisProcess() => Of(Environment.ProcessId) ?? throw new IOException("/proc/self/stat cannot be read");

    /// <summary>The process with this PID now; null when there is none or it is a zombie (it runs nothing).</summary>
    public static ProcessStart? Of(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so the fields are counted
        // from the last ')'; the start time is field 22, the 20th after it.
        var close = stat.LastIndexOf(')');
        var fields = close < 0 ? [] : stat[(close + 2)..].Split(' ');
        return fields.Length > 19 && fields[0] is not ("Z" or "X") && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcessStart(pid, start)
            : null;
    }

    /// <summary>Whether this very process still runs (not a zombie, not another that got its PID since).</summary>
    public bool IsRunning() => Of(Pid) == this;
}
