using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

/// <summary>
/// Which ends of a node's command wait for Slurm's SIGTERM to reach vse too before the exit code is
/// recorded (<see cref="NodeShare.SignalGrace"/>): those a signal caused, as a runtime reports them
/// (128 + the signal's number). The twin with a real scancel is
/// <c>SlurmTests.Scancel_removes_every_instance_on_every_node</c>.
/// </summary>
public sealed class NodeShareSignalTests
{
    [Theory]
    [InlineData(143, true)]  // SIGTERM
    [InlineData(137, true)]  // SIGKILL
    [InlineData(129, true)]  // SIGHUP
    [InlineData(192, true)]  // the last real-time signal
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(127, false)] // command not found
    [InlineData(128, false)]
    [InlineData(193, false)]
    [InlineData(255, false)]
    public void Only_an_exit_status_of_128_plus_a_signal_counts_as_ended_by_a_signal(int exitCode, bool bySignal) =>
        Assert.Equal(bySignal, NodeShare.EndedBySignal(exitCode));
}
