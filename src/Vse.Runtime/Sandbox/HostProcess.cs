namespace Vse.Runtime.Sandbox;

/// <summary>What the host's <c>/proc</c> says about a process, without asking a runtime.</summary>
public static class HostProcess
{
    /// <summary>
    /// True when the process is gone or a zombie: an instance's init is reparented to the host's
    /// PID 1 when the runtime exits, and whether that reaps it promptly is not ours to know; a
    /// zombie runs nothing.
    /// </summary>
    public static bool HasEnded(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return true;
        }

        // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so the state follows the last ')'.
        var close = stat.LastIndexOf(')');
        return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
    }
}
