using System.Globalization;
using Vse.Host.Processes;

namespace Vse.Host.Tests.Processes;

/// <summary>The identity asked of the kernel (geteuid, getegid) is the one /proc/self/status reports.</summary>
public sealed class ProcessIdentityTests
{
    [Fact]
    public void The_effective_ids_are_those_of_proc_self_status()
    {
        var status = File.ReadAllLines("/proc/self/status");
        // "Uid:\treal\teffective\tsaved\tfs"
        uint Effective(string field) =>
            uint.Parse(status.First(l => l.StartsWith(field, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);

        Assert.Equal(new ProcessIdentity(Effective("Uid:"), Effective("Gid:")), ProcessIdentity.Current);
        Assert.Equal(ProcessIdentity.Current.Uid == 0, ProcessIdentity.IsRoot);
    }
}
