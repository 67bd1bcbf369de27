using System.Globalization;

namespace Vse.Build.FileSystem;

/// <summary>The effective user and group ids of this process.</summary>
public sealed record ProcessIdentity(uint Uid, uint Gid)
{
    public static ProcessIdentity Current { get; } = Read();

    private static ProcessIdentity Read()
    {
        // "Uid:\treal\teffective\tsaved\tfs": the effective id is what the kernel checks.
        var status = File.ReadAllLines("/proc/self/status");
        return new ProcessIdentity(Effective(status, "Uid:"), Effective(status, "Gid:"));
    }

    private static uint Effective(string[] status, string field) =>
        uint.Parse(status.First(l => l.StartsWith(field, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
}
