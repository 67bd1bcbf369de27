using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Cli.Tests;

/// <summary><c>vse gc</c> and what crashed online steps leave outside the store (docs/online.md, "Where").</summary>
public sealed class GcCommandTests
{
    /// <summary>
    /// A vse killed during an online VM step leaves <c>$VSE_HOME/vm/steps/ID</c> and its QEMU,
    /// which daemonised. The directory is laid out as the VM driver lays one out (VmFiles: a run
    /// directory with QEMU's PID file and monitor socket, <c>current</c> naming it); the QEMU is a
    /// stand-in process whose command line names that monitor, as the driver checks before it
    /// signals a PID. Nothing holds the store lock, as nothing does once the build's vse is dead.
    /// </summary>
    [SkippableFact]
    public async Task Gc_removes_what_a_crashed_online_vm_step_left_and_ends_its_qemu()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        var step = Path.Combine(workspace.VseHome, "vm", "steps", "build-0123456789ab");
        var run = Directory.CreateDirectory(Path.Combine(step, "run-1")).FullName;
        var monitor = Path.Combine(run, "qmp.sock");
        // A plain file: connecting to it is refused, as to the socket of a QEMU that answers no more.
        File.WriteAllText(monitor, "");
        File.WriteAllText(Path.Combine(step, "current"), "1");
        using var qemu = Process.Start(new ProcessStartInfo("tail", ["-f", "/dev/null", monitor]))!;
        File.WriteAllText(Path.Combine(run, "qemu.pid"), qemu.Id.ToString(CultureInfo.InvariantCulture));
        try
        {
            var gc = await workspace.RunAsync("gc");

            Assert.True(gc.ExitCode == 0, gc.Stderr);
            Assert.Matches("and [1-9]\\d* leftovers", gc.Stdout);
            Assert.False(Directory.Exists(step));
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await qemu.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!qemu.HasExited)
            {
                qemu.Kill();
            }
        }
    }

    /// <summary>
    /// The caches a repeated command reads are pruned of what can no longer hit: the resolve of a
    /// description that is gone, the remembered build whose layers gc removed, and the launcher
    /// filter another vse's profile compiled; the busybox digest and this vse's filter stay.
    /// </summary>
    [SkippableFact]
    public async Task Gc_prunes_the_cache_entries_that_can_no_longer_hit_and_says_how_many()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        var description = workspace.Write("gone.vse.yaml", "vse: 1\nname: apps/gone\nos: {base: busybox}\nfiles: [{write: /etc/gone, content: \"x\\n\"}]\n");
        VseProcess.Outcome build = null!;
        // The first build makes the store the resolve cache writes through; the second keeps its resolve.
        foreach (var _ in new[] { 1, 2 })
        {
            build = await workspace.RunAsync("build", "gone.vse.yaml");
            Assert.True(build.ExitCode == 0, build.Stderr);
        }

        Assert.Single(Directory.GetFiles(Path.Combine(workspace.VseHome, "resolved")));
        var current = LaunchSeccompFilter.SharedPath(workspace.VseHome);
        File.WriteAllText(current, "");
        var other = Path.Combine(workspace.VseHome, "launch-seccomp-0123456789abcdef.bpf");
        File.WriteAllText(other, "");
        var destroyed = await workspace.RunAsync("destroy", Regex.Match(build.Stdout, "as configuration ([0-9a-f]+)").Groups[1].Value);
        Assert.True(destroyed.ExitCode == 0, destroyed.Stderr);
        File.Delete(description);

        var gc = await workspace.RunAsync("gc");

        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Contains("pruned 1 resolved descriptions, 1 remembered builds, 0 file digests and 1 launcher filters", gc.Stdout);
        Assert.Empty(Directory.GetFiles(Path.Combine(workspace.VseHome, "resolved")));
        Assert.Empty(Directory.GetFiles(Path.Combine(workspace.VseHome, "store", "build-memo")));
        Assert.Single(Directory.GetFiles(Path.Combine(workspace.VseHome, "store", "file-digests")));
        Assert.True(File.Exists(current));
        Assert.False(File.Exists(other));
    }
}
