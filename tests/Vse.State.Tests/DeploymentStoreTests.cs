using Vse.State.Configurations;
using Vse.State.Deployments;
using Vse.State.Schema;
using Vse.State.Tests.Support;
using static Vse.State.Tests.Support.StateWorkspace;

namespace Vse.State.Tests;

public sealed partial class DeploymentStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly StateWorkspace _workspace = new();
    private readonly ConfigurationRecord _configuration = Configuration("abc123");

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_new_deployment_and_its_instances_are_recorded_as_creating()
    {
        var state = await OpenAsync();

        var created = await state.Deployments.CreateAsync(Request("h0", "h1", "h2"), None);

        Assert.Matches("^[0-9a-f]{8}$", created.Id);
        Assert.Equal(new DeploymentRecord(created.Id, _configuration.Id, "hello", "sandbox", LifecycleState.Creating, Now, """{"mode":"private"}"""), created.Record);
        Assert.Equal(
            [
                new InstanceRecord(created.Id, 0, "h0", LifecycleState.Creating, null, null, null, _workspace.Home.InstanceDirectory(created.Id, 0)),
                new InstanceRecord(created.Id, 1, "h1", LifecycleState.Creating, null, null, null, _workspace.Home.InstanceDirectory(created.Id, 1)),
                new InstanceRecord(created.Id, 2, "h2", LifecycleState.Creating, null, null, null, _workspace.Home.InstanceDirectory(created.Id, 2)),
            ],
            created.Instances);
        DeploymentAssert.Same(created, await state.Deployments.GetAsync(created.Id, None));
    }

    [Fact]
    public async Task A_one_shot_run_s_deployment_is_recorded_as_running_in_its_one_write_and_reads_back_so()
    {
        var state = await OpenAsync();

        var created = await state.Deployments.CreateAsync(Request("h0") with { State = LifecycleState.Running }, None);

        Assert.Equal(LifecycleState.Running, created.Record.State);
        Assert.Equal(LifecycleState.Running, Assert.Single(created.Instances).State);
        // What a later vse (ps, cleanup after a kill) reads is what the one write said.
        DeploymentAssert.Same(created, await (await VseState.OpenAsync(_workspace.Home, None)).Deployments.GetAsync(created.Id, None));
    }

    [Theory]
    [InlineData(LifecycleState.Suspended)]
    [InlineData(LifecycleState.Stopping)]
    [InlineData(LifecycleState.Failed)]
    [InlineData(LifecycleState.CleanedUp)]
    [InlineData((LifecycleState)42)]
    public async Task A_deployment_is_recorded_first_as_creating_or_running_only_and_a_refused_one_leaves_nothing(LifecycleState first)
    {
        var state = await OpenAsync();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => state.Deployments.CreateAsync(Request("h0") with { State = first }, None));

        Assert.StartsWith("a deployment is recorded as creating or running, not ", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await state.Deployments.ListAsync(None));
    }

    [Fact]
    public async Task A_deployment_whose_vse_died_before_starting_anything_still_shows_as_creating()
    {
        var state = await OpenAsync();
        var interrupted = await state.Deployments.CreateAsync(Request("h0", "h1"), None);

        // Another vse process, later: the first one never got to update anything.
        var later = await VseState.OpenAsync(_workspace.Home, None);
        var listed = Assert.Single(await later.Deployments.ListAsync(None));

        Assert.Equal(interrupted.Id, listed.Id);
        Assert.Equal(LifecycleState.Creating, listed.Record.State);
        Assert.All(listed.Instances, i => Assert.Equal(LifecycleState.Creating, i.State));
        Assert.Equal(2, listed.Instances.Count);
    }

    [Fact]
    public async Task Instance_and_deployment_updates_read_back()
    {
        var state = await OpenAsync();
        var created = await state.Deployments.CreateAsync(Request("h0", "h1"), None);

        await state.Deployments.UpdateInstanceAsync(created.Id, 1, LifecycleState.Running, 4242, None);
        await state.Deployments.SetInstanceRuntimeAsync(created.Id, 1, "vse-" + created.Id + "-1", "10.0.0.3", None);
        await state.Deployments.SetStateAsync(created.Id, LifecycleState.Running, None);

        var read = await state.Deployments.GetAsync(created.Id, None);
        Assert.Equal(LifecycleState.Running, read.Record.State);
        Assert.Equal(created.Instances[0], read.Instances[0]);
        Assert.Equal(
            created.Instances[1] with { State = LifecycleState.Running, Pid = 4242, RuntimeId = "vse-" + created.Id + "-1", Address = "10.0.0.3" },
            read.Instances[1]);

        await state.Deployments.UpdateInstanceAsync(created.Id, 1, LifecycleState.CleanedUp, null, None);
        Assert.Null((await state.Deployments.GetAsync(created.Id, None)).Instances[1].Pid);
    }

    [Fact]
    public async Task Many_instance_updates_are_one_write_and_none_is_kept_when_one_names_no_instance()
    {
        var state = await OpenAsync();
        var created = await state.Deployments.CreateAsync(Request("h0", "h1", "h2"), None);

        await state.Deployments.UpdateInstancesAsync(created.Id, [new(0, LifecycleState.Running, 10), new(2, LifecycleState.Failed, null)], None);
        var read = await state.Deployments.GetAsync(created.Id, None);
        Assert.Equal([(LifecycleState.Running, (int?)10), (LifecycleState.Creating, null), (LifecycleState.Failed, null)], read.Instances.Select(i => (i.State, i.Pid)));

        await Assert.ThrowsAsync<InstanceNotFoundException>(() =>
            state.Deployments.UpdateInstancesAsync(created.Id, [new(1, LifecycleState.Running, 11), new(7, LifecycleState.Running, 12)], None));
        Assert.Equal(LifecycleState.Creating, (await state.Deployments.GetAsync(created.Id, None)).Instances[1].State);
    }

    [Fact]
    public async Task Updating_what_does_not_exist_is_a_typed_error()
    {
        var state = await OpenAsync();
        var created = await state.Deployments.CreateAsync(Request("h0"), None);

        await Assert.ThrowsAsync<InstanceNotFoundException>(() => state.Deployments.UpdateInstanceAsync(created.Id, 5, LifecycleState.Running, 1, None));
        await Assert.ThrowsAsync<DeploymentNotFoundException>(() => state.Deployments.SetStateAsync("00000000", LifecycleState.Failed, None));
    }

    [Fact]
    public async Task A_deployment_of_an_unknown_configuration_is_refused_before_anything_is_written()
    {
        var state = await OpenAsync();

        await Assert.ThrowsAsync<ConfigurationNotFoundException>(
            () => state.Deployments.CreateAsync(Request("h0") with { ConfigurationId = "ffffffffffff" }, None));
        Assert.Empty(await state.Deployments.ListAsync(None));
    }

    [Fact]
    public async Task A_deployment_is_found_by_id_name_or_unique_prefix()
    {
        var state = await OpenAsync();
        var created = await state.Deployments.CreateAsync(Request("h0"), None);

        Assert.Equal(created.Id, (await state.Deployments.GetAsync(created.Id, None)).Id);
        Assert.Equal(created.Id, (await state.Deployments.GetAsync(created.Id[..3], None)).Id);
        Assert.Equal(created.Id, (await state.Deployments.GetAsync("hello", None)).Id);
        await Assert.ThrowsAsync<DeploymentNotFoundException>(() => state.Deployments.GetAsync("missing", None));
    }

    [Fact]
    public async Task A_name_used_by_two_deployments_is_ambiguous()
    {
        var state = await OpenAsync();
        var first = await state.Deployments.CreateAsync(Request("h0"), None);
        var second = await state.Deployments.CreateAsync(Request("h0"), None);

        var error = await Assert.ThrowsAsync<AmbiguousReferenceException>(() => state.Deployments.GetAsync("hello", None));

        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), error.Candidates);
    }

    [Fact]
    public async Task Ids_are_short_lowercase_hex_and_unique()
    {
        var state = await OpenAsync();

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(ids.Add((await state.Deployments.CreateAsync(Request("h0"), None)).Id));
        }

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}$", id));
    }

    [Fact]
    public async Task Deleting_a_deployment_removes_its_instances_and_frees_its_configuration()
    {
        var state = await OpenAsync();
        var created = await state.Deployments.CreateAsync(Request("h0", "h1"), None);

        Assert.True(await state.Deployments.DeleteAsync(created.Id, None));
        Assert.False(await state.Deployments.DeleteAsync(created.Id, None));

        Assert.Empty(await state.Deployments.ListAsync(None));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => state.Deployments.UpdateInstanceAsync(created.Id, 0, LifecycleState.Running, 1, None));
        Assert.True(await state.Configurations.DeleteAsync(_configuration.Id, None));
    }

    [Fact]
    public async Task The_description_file_is_recorded_and_a_deployment_from_schema_version_1_has_none()
    {
        // A database as the first vse left it: schema version 1, a deployment without the column.
        _workspace.Home.EnsureCreated(None);
        var old = await StateDatabase.OpenAsync(_workspace.Home.Database, [Migrations.All[0]], None);
        await new ConfigurationStore(old).UpsertAsync(_configuration, None);
        await using (var connection = await old.OpenConnectionAsync(None))
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"INSERT INTO deployments VALUES ('0123abcd', '{_configuration.Id}', 'old', 'sandbox', 'Running', '2025-01-01T00:00:00.0000000+00:00', NULL)";
            await insert.ExecuteNonQueryAsync(None);
        }

        var state = await OpenAsync();
        var created = await state.Deployments.CreateAsync(Request("h0") with { DescriptionPath = "/home/alice/app.vse.yaml" }, None);

        Assert.Null((await state.Deployments.GetAsync("0123abcd", None)).Record.DescriptionPath);
        Assert.Equal("/home/alice/app.vse.yaml", (await state.Deployments.GetAsync(created.Id, None)).Record.DescriptionPath);
    }

    private DeploymentRequest Request(params string[] hostnames) =>
        new(_configuration.Id, "hello", "sandbox", hostnames, """{"mode":"private"}""");

    private async Task<VseState> OpenAsync()
    {
        var state = await VseState.OpenAsync(_workspace.Home, new FixedTime(Now), None);
        await state.Configurations.UpsertAsync(_configuration, None);
        return state;
    }
}
