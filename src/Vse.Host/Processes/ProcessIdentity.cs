using System.Globalization;
using Vse.Host.Interop;

namespace Vse.Host.Processes;

/// <summary>The effective user and group ids of this process.</summary>
public sealed record ProcessIdentity(uint Uid, uint Gid)
{
    // Lazy: asking only whether this process is root must not read /proc.
    private static readonly Lazy<ProcessIdentity> current = new(Read);

    public static ProcessIdentity Current => current.Value;

    /// <summary>geteuid() is 0: the kernel treats this process as root.</summary>
    public static bool IsRoot => Libc.Geteuid() == 0;

    private static ProcessIdentity Read()
    {
        // "Uid:\treal\teffective\tsaved\tfs": the effective id is what the kernel checks.
        var status = File.ReadAllLines("/proc/self/status");
        return new ProcessIdentity(Effective(status, "Uid:"), Effective(status, "Gid:"));
    }

    private static uint Effective(string[] status, string field) =>
        uint.Parse(status.First(l => l.StartsWith(field, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
}
