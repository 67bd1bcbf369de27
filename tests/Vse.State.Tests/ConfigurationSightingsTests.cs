using Vse.State.Configurations;
using Vse.State.Tests.Support;
using static Vse.State.Tests.Support.StateWorkspace;

namespace Vse.State.Tests;

public sealed class ConfigurationSightingsTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly StateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private ConfigurationSightings Sightings => new(_workspace.Home);

    /// <summary>A store whose database cannot be opened: any use of it throws, so an answer with it came from the file.</summary>
    private ConfigurationStore Unreachable => new(StateDatabase.Deferred(Path.Combine(_workspace.Root, "missing", "directory", "vse.db")));

    private async Task<(VseState State, ConfigurationRecord Recorded)> RecordedAsync(string hex = "abc123")
    {
        var state = await _workspace.OpenAsync();
        Directory.CreateDirectory(_workspace.Home.Temp);
        var recorded = Configuration(hex) with { Target = "cluster", CreatedAt = new DateTimeOffset(2025, 6, 7, 8, 9, 10, 123, TimeSpan.FromHours(2)).AddTicks(4567) };
        await state.Configurations.UpsertAsync(recorded, None);
        return (state, recorded);
    }

    [Fact]
    public async Task A_configuration_read_once_is_found_again_without_the_database_exactly_as_recorded()
    {
        var (state, recorded) = await RecordedAsync();

        Same.Configuration(recorded, await Sightings.FindAsync(state.Configurations, recorded.Id, None));
        Assert.True(File.Exists(Sightings.FilePath));

        Same.Configuration(recorded, await Sightings.FindAsync(Unreachable, recorded.Id, None));
    }

    [Fact]
    public async Task Reads_of_the_database_in_between_leave_the_sighting_valid()
    {
        var (state, recorded) = await RecordedAsync();
        await Sightings.FindAsync(state.Configurations, recorded.Id, None);

        // New connections, as another vse process's: run as root, SQLite gives the log the database's owner on each open.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Single(await state.Configurations.ListAsync(None));
        Assert.Single(await (await _workspace.OpenAsync()).Configurations.ListAsync(None));

        Same.Configuration(recorded, await Sightings.FindAsync(Unreachable, recorded.Id, None));
    }

    [Fact]
    public async Task After_a_commit_a_removed_configuration_is_not_vouched_for()
    {
        var (state, recorded) = await RecordedAsync();
        await Sightings.FindAsync(state.Configurations, recorded.Id, None);

        Assert.True(await state.Configurations.DeleteAsync(recorded.Id, None));

        Assert.Null(await Sightings.FindAsync(state.Configurations, recorded.Id, None));
        await Assert.ThrowsAsync<StateDatabaseException>(() => Sightings.FindAsync(Unreachable, recorded.Id, None));
    }

    [Fact]
    public async Task After_a_commit_a_replaced_configuration_is_read_as_it_is_now()
    {
        var (state, recorded) = await RecordedAsync();
        await Sightings.FindAsync(state.Configurations, recorded.Id, None);
        var rebuilt = recorded with { TopLayerKey = "step-new", LayerKeys = ["base-abc123", "step-new"], SizeBytes = 1 };

        await state.Configurations.UpsertAsync(rebuilt, None);

        Same.Configuration(rebuilt, await Sightings.FindAsync(state.Configurations, recorded.Id, None));
        Same.Configuration(rebuilt, await Sightings.FindAsync(Unreachable, recorded.Id, None));
    }

    [Theory]
    [InlineData("vse.db")]
    [InlineData("vse.db-wal")]
    public async Task A_database_file_changed_in_any_way_is_a_miss(string file)
    {
        var (state, recorded) = await RecordedAsync();
        await Sightings.FindAsync(state.Configurations, recorded.Id, None);
        var path = Path.Combine(_workspace.Home.Root, file);
        Assert.True(File.Exists(path));

        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(-10));

        await Assert.ThrowsAsync<StateDatabaseException>(() => Sightings.FindAsync(Unreachable, recorded.Id, None));
    }

    [Fact]
    public async Task A_write_ahead_log_folded_into_the_database_and_removed_is_a_miss()
    {
        var (state, recorded) = await RecordedAsync();
        await Sightings.FindAsync(state.Configurations, recorded.Id, None);

        File.Delete(Path.Combine(_workspace.Home.Root, "vse.db-wal"));

        await Assert.ThrowsAsync<StateDatabaseException>(() => Sightings.FindAsync(Unreachable, recorded.Id, None));
    }

    [Fact]
    public async Task One_instance_keeps_what_it_read_only_as_long_as_the_database_is_unchanged()
    {
        var (state, recorded) = await RecordedAsync();
        var sightings = Sightings;
        await sightings.FindAsync(state.Configurations, recorded.Id, None);
        File.Delete(sightings.FilePath);

        Same.Configuration(recorded, await sightings.FindAsync(Unreachable, recorded.Id, None));

        Assert.True(await state.Configurations.DeleteAsync(recorded.Id, None));
        Assert.Null(await sightings.FindAsync(state.Configurations, recorded.Id, None));
    }

    [Fact]
    public async Task Another_id_is_read_from_the_database_and_both_are_kept()
    {
        var (state, first) = await RecordedAsync("abc123");
        var second = Configuration("def456");
        await state.Configurations.UpsertAsync(second, None);

        await Sightings.FindAsync(state.Configurations, first.Id, None);
        await Assert.ThrowsAsync<StateDatabaseException>(() => Sightings.FindAsync(Unreachable, second.Id, None));
        Same.Configuration(second, await Sightings.FindAsync(state.Configurations, second.Id, None));

        Same.Configuration(first, await Sightings.FindAsync(Unreachable, first.Id, None));
        Same.Configuration(second, await Sightings.FindAsync(Unreachable, second.Id, None));
    }

    [Fact]
    public async Task A_configuration_found_by_its_name_and_a_miss_are_not_remembered()
    {
        var (state, recorded) = await RecordedAsync();
        var namedLikeAnId = Configuration("def456", name: "fedcba987654");
        await state.Configurations.UpsertAsync(namedLikeAnId, None);

        Same.Configuration(namedLikeAnId, await Sightings.FindAsync(state.Configurations, "fedcba987654", None));
        Assert.Null(await Sightings.FindAsync(state.Configurations, "000000000000", None));

        Assert.False(File.Exists(Sightings.FilePath));
        Assert.NotNull(recorded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("""{"format":1,"state":""")]
    [InlineData("""{"format":2,"state":"STATE","configurations":{}}""")]
    [InlineData("""{"format":1,"state":"STATE","configurations":{"ID":{"id":"ID","name":null}}}""")]
    [InlineData("""{"format":1,"state":"STATE","configurations":{"ID":{"id":"other"}}}""")]
    [InlineData("""[1,2,3]""")]
    public async Task A_torn_foreign_or_garbled_file_falls_back_to_the_database_and_is_written_anew(string content)
    {
        var (state, recorded) = await RecordedAsync();
        await Sightings.FindAsync(state.Configurations, recorded.Id, None);
        var valid = await File.ReadAllTextAsync(Sightings.FilePath);
        var stateValue = System.Text.Json.JsonDocument.Parse(valid).RootElement.GetProperty("state").GetString()!;
        await File.WriteAllTextAsync(Sightings.FilePath, content.Replace("STATE", stateValue, StringComparison.Ordinal).Replace("ID", recorded.Id, StringComparison.Ordinal));

        await Assert.ThrowsAsync<StateDatabaseException>(() => Sightings.FindAsync(Unreachable, recorded.Id, None));
        Same.Configuration(recorded, await Sightings.FindAsync(state.Configurations, recorded.Id, None));
        Same.Configuration(recorded, await Sightings.FindAsync(Unreachable, recorded.Id, None));
    }

    [Fact]
    public async Task Forget_removes_the_file_and_the_next_read_takes_the_database_again()
    {
        var (state, recorded) = await RecordedAsync();
        await Sightings.FindAsync(state.Configurations, recorded.Id, None);

        Assert.True(Sightings.Forget());
        Assert.False(Sightings.Forget());

        await Assert.ThrowsAsync<StateDatabaseException>(() => Sightings.FindAsync(Unreachable, recorded.Id, None));
        Same.Configuration(recorded, await Sightings.FindAsync(state.Configurations, recorded.Id, None));
    }

    [Fact]
    public async Task Without_a_database_file_nothing_is_vouched_for_or_written()
    {
        Directory.CreateDirectory(_workspace.Home.Temp);
        var database = StateDatabase.Deferred(_workspace.Home.Database);

        Assert.Null(await Sightings.FindAsync(new ConfigurationStore(database), "abc123000000", None));

        Assert.True(File.Exists(_workspace.Home.Database));
        Assert.False(File.Exists(Sightings.FilePath));
    }
}
