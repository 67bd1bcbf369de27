using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

/// <summary>
/// The rule behind a node's removal at Slurm's stop signals (its integration twin is
/// SlurmTests.At_the_time_limit_every_node_cleans_up_and_wait_says_the_job_timed_out, where Slurm
/// sends SIGTERM twice to every process of the step).
/// </summary>
public sealed class StoppedShareRemovalTests
{
    [Fact]
    public async Task A_removal_that_succeeds_runs_once_and_reports_nothing()
    {
        var runs = 0;
        var failures = new List<int>();

        await StoppedShareRemoval.RunAsync(() => { runs++; return Task.CompletedTask; }, (attempt, _) => failures.Add(attempt));

        Assert.Equal(1, runs);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_removal_whose_tool_a_signal_killed_is_tried_again_and_the_failure_reported()
    {
        var runs = 0;
        var failures = new List<(int, string)>();

        await StoppedShareRemoval.RunAsync(
            () => ++runs switch
            {
                1 => throw new IOException("runc state: terminated by signal 15"),
                2 => throw new IOException("runc delete: terminated by signal 15"),
                _ => Task.CompletedTask,
            },
            (attempt, e) => failures.Add((attempt, e.Message)));

        Assert.Equal(3, runs);
        Assert.Equal([(1, "runc state: terminated by signal 15"), (2, "runc delete: terminated by signal 15")], failures);
    }

    [Fact]
    public async Task A_removal_that_keeps_failing_stops_after_the_last_attempt_with_its_error()
    {
        var runs = 0;
        var failures = 0;

        var error = await Assert.ThrowsAsync<IOException>(() => StoppedShareRemoval.RunAsync(
            () => throw new IOException($"attempt {++runs}"), (_, _) => failures++));

        Assert.Equal(StoppedShareRemoval.Attempts, runs);
        Assert.Equal(StoppedShareRemoval.Attempts - 1, failures);
        Assert.Equal($"attempt {StoppedShareRemoval.Attempts}", error.Message);
    }
}
