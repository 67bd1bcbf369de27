using System.Collections.Concurrent;
using System.Diagnostics;
using Vse.Host.Processes;

namespace Vse.Runtime.Tests.Vm.Boot;

/// <summary>One QEMU boot with the serial console on stdout, as docs/host-facts.md describes it.</summary>
internal static class QemuBoot
{
    /// <summary>A hang guard, not a timed assertion: a TCG boot takes ~2 s, a loaded CI machine many times that.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <param name="machine">microvm's options, e.g. <c>microvm</c> or <c>microvm,acpi=off</c> (the VM driver's).</param>
    /// <param name="disk">The raw root disk, or null for none.</param>
    /// <returns>Everything QEMU and the guest wrote, and when the first line containing <paramref name="marker"/> came.</returns>
    public static async Task<(string Console, TimeSpan? MarkerAfter)> RunAsync(
        string vmlinux, string initramfs, string commandLine, string? disk, string machine = "microvm", string marker = BootFixture.Marker)
    {
        var qemu = Requirements.Tool("qemu-system-x86_64");
        List<string> arguments =
        [
            "-accel", "tcg", "-M", machine, "-m", "128", "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none",
            "-serial", "stdio", "-kernel", vmlinux, "-initrd", initramfs, "-append", commandLine,
        ];
        if (disk is not null)
        {
            arguments.AddRange(["-drive", $"id=d,file={disk.Replace(",", ",,", StringComparison.Ordinal)},format=raw,if=none", "-device", "virtio-blk-device,drive=d"]);
        }

        var lines = new ConcurrentQueue<string>();
        TimeSpan? markerAfter = null;
        var clock = Stopwatch.StartNew();
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await ExternalTool.RunUncheckedAsync(qemu, arguments, guard.Token, onOutputLine: line =>
            {
                if (markerAfter is null && line.Contains(marker, StringComparison.Ordinal))
                {
                    markerAfter = clock.Elapsed;
                }

                lines.Enqueue(line);
            });
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            Assert.Fail($"QEMU was still running after {Guard.TotalSeconds:0} s (hang guard); console:\n{string.Join('\n', lines)}");
        }

        return (string.Join('\n', lines), markerAfter);
    }
}
