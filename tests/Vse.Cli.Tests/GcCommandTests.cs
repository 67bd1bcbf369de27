using System.Diagnostics;
using System.Globalization;

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
}
