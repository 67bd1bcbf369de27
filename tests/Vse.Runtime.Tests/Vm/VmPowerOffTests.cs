using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Vse.Runtime.Tests.Support;
using Vse.Runtime.Vm;

namespace Vse.Runtime.Tests.Vm;

/// <summary>
/// A VM that does not power off in time is killed, and <see cref="VmDriver.PowerOffAsync"/> says
/// so (an online step warns that its layer may lack the last writes). The VM is a stand-in: a
/// process whose command line names the run's monitor socket, which is how the driver knows a
/// PID is that run's QEMU, and whose monitor refuses connections, as a hung QEMU's may. The twin
/// with a real guest that powers off is <see cref="VmShutdownTests"/>.
/// </summary>
public sealed class VmPowerOffTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_vm_that_does_not_end_within_the_timeout_is_killed_and_reported_so()
    {
        var files = new VmFiles(_temp.Path);
        var run = files.NextRun();
        File.WriteAllText(run.Monitor, "");
        using var qemu = Process.Start(new ProcessStartInfo("tail", ["-f", "/dev/null", run.Monitor]))!;
        try
        {
            File.WriteAllText(run.Pid, qemu.Id.ToString(CultureInfo.InvariantCulture));
            files.MakeCurrent(run);

            Assert.False(await VmDriver.PowerOffAsync(_temp.Path, TimeSpan.FromMilliseconds(200), CancellationToken.None));
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
    /// A hung QEMU's monitor socket still accepts connections (the kernel queues them) but never
    /// greets: power-off and discard give up on it after <see cref="VmDriver.MonitorTimeout"/> and
    /// kill it, where they waited for the greeting forever before.
    /// </summary>
    [Theory]
    [InlineData("power-off")]
    [InlineData("discard")]
    public async Task A_vm_whose_monitor_never_greets_is_killed(string how)
    {
        var files = new VmFiles(_temp.Path);
        var run = files.NextRun();
        using var monitor = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        monitor.Bind(new UnixDomainSocketEndPoint(run.Monitor));
        monitor.Listen(4);
        using var qemu = Process.Start(new ProcessStartInfo("tail", ["-f", "/dev/null", run.Monitor]))!;
        try
        {
            File.WriteAllText(run.Pid, qemu.Id.ToString(CultureInfo.InvariantCulture));
            files.MakeCurrent(run);

            var ending = how == "power-off"
                ? VmDriver.PowerOffAsync(_temp.Path, TimeSpan.FromMilliseconds(200), CancellationToken.None)
                : DiscardAsync();
            async Task<bool> DiscardAsync()
            {
                await VmDriver.DiscardAsync(_temp.Path, CancellationToken.None);
                return false;
            }

            // Far above the monitor timeout: a wait for the greeting that never ends fails here.
            Assert.False(await ending.WaitAsync(VmDriver.MonitorTimeout * 6));
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
    /// A QEMU whose monitor cannot be reached is signalled at once (it waited the whole quit
    /// timeout, 10 s, before); one that was sent <c>quit</c> gets time to end by itself.
    /// </summary>
    [Fact]
    public void Only_a_qemu_that_was_sent_quit_is_given_time_before_the_kill()
    {
        Assert.Equal(TimeSpan.Zero, VmDriver.GraceBeforeKill(quitSent: false));
        Assert.True(VmDriver.GraceBeforeKill(quitSent: true) >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_vm_that_is_not_running_needs_no_kill()
    {
        var files = new VmFiles(_temp.Path);
        files.MakeCurrent(files.NextRun());

        Assert.True(await VmDriver.PowerOffAsync(_temp.Path, TimeSpan.FromMilliseconds(200), CancellationToken.None));
    }
}
