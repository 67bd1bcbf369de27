using Vse.Host.Processes;
using Vse.State.Configurations;
using Vse.State.Deployments;
using Vse.State.Tests.Support;

namespace Vse.State.Tests;

/// <summary>
/// One-shot runs recorded by a file (<c>run/ID/once.json</c>), not the database: what the rest of
/// vse reads of them through <see cref="DeploymentStore"/> (ps, cleanup, a configuration's removal),
/// and what a run killed while writing its record leaves.
/// </summary>
public sealed partial class DeploymentStoreTests
{
    [Fact]
    public async Task A_one_shot_run_is_a_file_owned_by_this_process_that_every_read_of_the_store_finds()
    {
        var state = await OpenAsync();

        var created = state.Deployments.CreateOneShot(OneShotRequest());

        Assert.Matches("^[0-9a-f]{8}$", created.Id);
        Assert.Equal(Path.Combine(_workspace.Home.Deployments, created.Id, "once.json"), state.Deployments.OneShotRecordPath(created.Id));
        Assert.True(File.Exists(state.Deployments.OneShotRecordPath(created.Id)));
        Assert.Equal(new DeploymentRecord(created.Id, _configuration.Id, "hello", "sandbox:vse-launch", LifecycleState.Running, Now, null, "/home/alice/app.vse.yaml", ProcessStart.OfThisProcess()), created.Record);
        Assert.Equal([new InstanceRecord(created.Id, 0, "hello-0", LifecycleState.Running, null, null, null, _workspace.Home.InstanceDirectory(created.Id, 0))], created.Instances);
        // Another vse (ps, cleanup) reads the same, by id, prefix, name, and in the list.
        var later = (await VseState.OpenAsync(_workspace.Home, None)).Deployments;
        DeploymentAssert.Same(created, await later.GetAsync(created.Id, None));
        DeploymentAssert.Same(created, await later.GetAsync(created.Id[..3], None));
        DeploymentAssert.Same(created, await later.GetAsync("hello", None));
        DeploymentAssert.Same(created, Assert.Single(await later.ListAsync(None)));
    }

    [Fact]
    public async Task Removing_a_one_shot_record_takes_its_empty_directory_and_a_second_removal_finds_nothing()
    {
        var state = await OpenAsync();
        var created = state.Deployments.CreateOneShot(OneShotRequest());

        Assert.True(await state.Deployments.DeleteAsync(created.Id, None));

        Assert.False(Directory.Exists(Path.Combine(_workspace.Home.Deployments, created.Id)));
        Assert.Empty(await state.Deployments.ListAsync(None));
        Assert.Null(await state.Deployments.FindAsync(created.Id, None));
        Assert.False(await state.Deployments.DeleteAsync(created.Id, None));
    }

    [Fact]
    public async Task A_one_shot_record_is_removed_but_not_its_directory_while_an_instance_s_state_is_in_it()
    {
        var state = await OpenAsync();
        var created = state.Deployments.CreateOneShot(OneShotRequest());
        Directory.CreateDirectory(created.Instances[0].StateDirectory);

        Assert.True(await state.Deployments.DeleteAsync(created.Id, None));

        Assert.True(Directory.Exists(created.Instances[0].StateDirectory));
        Assert.Empty(await state.Deployments.ListAsync(None));
    }

    [Fact]
    public async Task A_cleanup_s_state_changes_rewrite_the_record_whole()
    {
        var state = await OpenAsync();
        var created = state.Deployments.CreateOneShot(OneShotRequest());

        await state.Deployments.SetStateAsync(created.Id, LifecycleState.Stopping, None);
        await state.Deployments.UpdateInstanceAsync(created.Id, 0, LifecycleState.Suspended, 4242, None);

        var read = await state.Deployments.GetAsync(created.Id, None);
        Assert.Equal(LifecycleState.Suspended, read.Record.State);
        Assert.Equal(created.Instances[0] with { State = LifecycleState.Suspended, Pid = 4242 }, Assert.Single(read.Instances));
        Assert.Equal(["once.json"], Directory.EnumerateFileSystemEntries(Path.Combine(_workspace.Home.Deployments, created.Id)).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Database_and_one_shot_deployments_list_together_newest_first_and_a_shared_name_is_the_database_s()
    {
        var state = await OpenAsync();
        var recorded = await state.Deployments.CreateAsync(OneShotRequest(), None);
        var later = await VseState.OpenAsync(_workspace.Home, new FixedTime(Now.AddSeconds(1)), None);

        var oneShot = later.Deployments.CreateOneShot(OneShotRequest());

        Assert.Equal([oneShot.Id, recorded.Id], (await state.Deployments.ListAsync(None)).Select(d => d.Id));
        // A name both share: the database's record first (one-shot files are searched by name only when it has none).
        Assert.Equal(recorded.Id, (await state.Deployments.GetAsync("hello", None)).Id);
        Assert.Equal(oneShot.Id, (await state.Deployments.GetAsync(oneShot.Id, None)).Id);
    }

    [Fact]
    public async Task A_name_two_one_shot_runs_share_is_ambiguous()
    {
        var state = await OpenAsync();
        var first = state.Deployments.CreateOneShot(OneShotRequest());
        var second = state.Deployments.CreateOneShot(OneShotRequest());

        var error = await Assert.ThrowsAsync<AmbiguousReferenceException>(() => state.Deployments.GetAsync("hello", None));

        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), error.Candidates);
    }

    [Fact]
    public async Task A_record_whose_writer_was_killed_before_it_was_whole_is_removed_by_the_next_look()
    {
        var state = await OpenAsync();
        using var gone = System.Diagnostics.Process.Start("true")!;
        await gone.WaitForExitAsync();
        var abandoned = Path.Combine(_workspace.Home.Deployments, $".once-{gone.Id}-1-0123abcd");
        Directory.CreateDirectory(abandoned);
        File.WriteAllText(Path.Combine(abandoned, "once.json"), "{\"configur");
        var owner = ProcessStart.OfThisProcess();
        var writing = Path.Combine(_workspace.Home.Deployments, $".once-{owner.Pid}-{owner.StartTicks}-4567abcd");
        Directory.CreateDirectory(writing);

        Assert.Empty(await state.Deployments.ListAsync(None));

        Assert.False(Directory.Exists(abandoned));
        // Its writer still runs: it is about to rename it to its id.
        Assert.True(Directory.Exists(writing));
    }

    [Fact]
    public async Task A_configuration_a_one_shot_run_uses_cannot_be_removed_until_the_run_is_gone()
    {
        var state = await OpenAsync();
        var created = state.Deployments.CreateOneShot(OneShotRequest());

        var error = await Assert.ThrowsAsync<ConfigurationInUseException>(() => state.Configurations.DeleteAsync(_configuration.Id, None));
        Assert.Contains(created.Id, error.Message, StringComparison.Ordinal);

        await state.Deployments.DeleteAsync(created.Id, None);
        Assert.True(await state.Configurations.DeleteAsync(_configuration.Id, None));
    }

    [Fact]
    public async Task A_file_under_run_that_is_not_a_record_is_no_deployment()
    {
        var state = await OpenAsync();
        var odd = Path.Combine(_workspace.Home.Deployments, "89abcdef");
        Directory.CreateDirectory(odd);
        File.WriteAllText(Path.Combine(odd, "once.json"), "not json");
        Directory.CreateDirectory(Path.Combine(_workspace.Home.Deployments, "runtime"));

        Assert.Empty(await state.Deployments.ListAsync(None));
        Assert.Null(await state.Deployments.FindAsync("89abcdef", None));
    }

    private DeploymentRequest OneShotRequest() =>
        new(_configuration.Id, "hello", "sandbox:vse-launch", ["hello-0"], DescriptionPath: "/home/alice/app.vse.yaml", State: LifecycleState.Running);
}
