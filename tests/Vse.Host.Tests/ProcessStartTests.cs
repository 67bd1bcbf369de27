using Vse.Host.Processes;

namespace Vse.Host.Tests;

public sealed class ProcessStartTests
{
    [Fact]
    public void This_process_runs_and_is_the_same_one_read_twice()
    {
        var self = ProcessStart.OfThisProcess();

        Assert.Equal(Environment.ProcessId, self.Pid);
        Assert.Equal(self, ProcessStart.Of(Environment.ProcessId));
        Assert.True(self.IsRunning());
    }

    [Fact]
    public async Task A_process_that_ended_does_not_run_and_another_start_time_under_a_running_pid_is_another_process()
    {
        using var ended = System.Diagnostics.Process.Start("true")!;
        var seen = ProcessStart.Of(ended.Id);
        await ended.WaitForExitAsync();

        Assert.False((seen ?? new ProcessStart(ended.Id, 1)).IsRunning());
        Assert.Null(ProcessStart.Of(ended.Id));
        Assert.False(new ProcessStart(Environment.ProcessId, ProcessStart.OfThisProcess().StartTicks + 1).IsRunning());
    }
}
