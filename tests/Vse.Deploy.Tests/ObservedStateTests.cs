using Vse.Host.Processes;
using Vse.State.Deployments;

namespace Vse.Deploy.Tests;

/// <summary>
/// What <c>vse ps</c> shows of a one-shot run recorded by a file, from the record, the instance's
/// PID file and /proc alone: running while its owner (vse, or the launcher it became) runs, exited
/// once the owner is gone and no init runs (a run killed before its command started).
/// </summary>
public sealed class ObservedStateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vse-observed-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_one_shot_run_whose_owner_runs_and_that_has_no_init_yet_is_running()
    {
        var run = OneShot(ProcessStart.OfThisProcess());

        Assert.Equal("running", DeploymentManager.ObservedState(run, run.Instances[0]));
        Assert.Null(DeploymentManager.ObservedPid(run, run.Instances[0]));
    }

    [Fact]
    public async Task A_one_shot_run_whose_owner_is_gone_and_that_has_no_init_is_exited()
    {
        using var owner = System.Diagnostics.Process.Start("true")!;
        var start = ProcessStart.Of(owner.Id);
        await owner.WaitForExitAsync();
        var run = OneShot(start ?? new ProcessStart(owner.Id, 1));

        Assert.Equal("exited", DeploymentManager.ObservedState(run, run.Instances[0]));
    }

    [Fact]
    public async Task Once_its_command_has_a_pid_file_a_one_shot_run_is_what_its_init_is_whatever_its_owner()
    {
        var run = OneShot(ProcessStart.OfThisProcess());
        using var init = System.Diagnostics.Process.Start("true")!;
        await init.WaitForExitAsync();
        // The command's PID, as the runtime writes it (runc --pid-file, vse-launch --once), of a command that ended.
        File.WriteAllText(Path.Combine(run.Instances[0].StateDirectory, "init.pid"), init.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(init.Id, DeploymentManager.ObservedPid(run, run.Instances[0]));
        Assert.Equal("exited", DeploymentManager.ObservedState(run, run.Instances[0]));
    }

    [Fact]
    public void A_database_record_with_no_owner_and_no_init_stays_as_recorded()
    {
        var run = OneShot(null);

        Assert.Equal("running", DeploymentManager.ObservedState(run, run.Instances[0]));
    }

    private Deployment OneShot(ProcessStart? owner)
    {
        var state = Path.Combine(_directory, "0");
        Directory.CreateDirectory(state);
        return new Deployment(
            new DeploymentRecord("0123abcd", "cfg", "app", "sandbox:vse-launch", LifecycleState.Running, DateTimeOffset.UnixEpoch, null, null, owner),
            [new InstanceRecord("0123abcd", 0, "app-0", LifecycleState.Running, null, null, null, state)]);
    }
}
