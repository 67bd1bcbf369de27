using Vse.State.Configurations;
using Vse.State.Deployments;
using Vse.State.Tests.Support;
using static Vse.State.Tests.Support.StateWorkspace;

namespace Vse.State.Tests;

public sealed class ConfigurationStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly StateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_configuration_reads_back_exactly_as_written()
    {
        var state = await _workspace.OpenAsync();
        var written = Configuration("abc123") with
        {
            Target = "cluster",
            SizeBytes = 123_456_789_012,
            CreatedAt = new DateTimeOffset(2025, 6, 7, 8, 9, 10, 123, TimeSpan.FromHours(2)).AddTicks(4567),
            DescriptionJson = """{"name":"x","quote":"it's"}""",
        };

        await state.Configurations.UpsertAsync(written, None);

        Same.Configuration(written, await state.Configurations.GetAsync(written.Id, None));
        Same.Configuration(written, Assert.Single(await state.Configurations.ListAsync(None)));
    }

    [Fact]
    public async Task Upserting_the_same_digest_replaces_the_record_and_its_layers()
    {
        var state = await _workspace.OpenAsync();
        var first = Configuration("abc123", layers: ["l1", "l2", "l3"]);
        var rebuilt = first with { LayerKeys = ["l1", "l4"], TopLayerKey = "l4", SizeBytes = 1 };

        await state.Configurations.UpsertAsync(first, None);
        await state.Configurations.UpsertAsync(rebuilt, None);

        Same.Configuration(rebuilt, Assert.Single(await state.Configurations.ListAsync(None)));
    }

    [Fact]
    public async Task An_id_that_is_not_the_digests_short_id_is_refused()
    {
        var state = await _workspace.OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(
            () => state.Configurations.UpsertAsync(Configuration("abc123") with { Id = "000000000000" }, None));
    }

    [Theory]
    [InlineData("abc123000000")]
    [InlineData("sha256:abc1230000000000000000000000000000000000000000000000000000000000")]
    [InlineData("apps/one")]
    [InlineData("abc1")]
    [InlineData("sha256:abc")]
    public async Task A_configuration_is_found_by_id_digest_name_or_unique_prefix(string reference)
    {
        var state = await _workspace.OpenAsync();
        await state.Configurations.UpsertAsync(Configuration("abc123", "apps/one"), None);
        await state.Configurations.UpsertAsync(Configuration("abd456", "apps/two"), None);

        var found = await state.Configurations.GetAsync(reference, None);

        Assert.Equal("abc123000000", found.Id);
    }

    [Fact]
    public async Task An_ambiguous_prefix_names_every_candidate()
    {
        var state = await _workspace.OpenAsync();
        await state.Configurations.UpsertAsync(Configuration("abc123", "apps/one"), None);
        await state.Configurations.UpsertAsync(Configuration("abd456", "apps/two"), None);

        var error = await Assert.ThrowsAsync<AmbiguousReferenceException>(() => state.Configurations.GetAsync("ab", None));

        Assert.Equal(["abc123000000", "abd456000000"], error.Candidates);
        Assert.Contains("abc123000000, abd456000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_shared_by_two_builds_is_ambiguous()
    {
        var state = await _workspace.OpenAsync();
        await state.Configurations.UpsertAsync(Configuration("abc123", "apps/same"), None);
        await state.Configurations.UpsertAsync(Configuration("fed987", "apps/same"), None);

        await Assert.ThrowsAsync<AmbiguousReferenceException>(() => state.Configurations.GetAsync("apps/same", None));
    }

    [Fact]
    public async Task An_exact_name_beats_a_prefix_of_another_digest()
    {
        var state = await _workspace.OpenAsync();
        await state.Configurations.UpsertAsync(Configuration("cafe01", "other"), None);
        await state.Configurations.UpsertAsync(Configuration("123456", "cafe"), None);

        Assert.Equal("123456000000", (await state.Configurations.GetAsync("cafe", None)).Id);
    }

    [Fact]
    public async Task A_reference_that_matches_nothing_is_not_found()
    {
        var state = await _workspace.OpenAsync();
        await state.Configurations.UpsertAsync(Configuration("abc123"), None);

        Assert.Null(await state.Configurations.FindAsync("ffff", None));
        var error = await Assert.ThrowsAsync<ConfigurationNotFoundException>(() => state.Configurations.GetAsync("nope", None));
        Assert.Equal("nope", error.Reference);
    }

    [Fact]
    public async Task The_list_is_newest_first()
    {
        var state = await _workspace.OpenAsync();
        var older = Configuration("aaaa") with { CreatedAt = DateTimeOffset.UnixEpoch };
        var newer = Configuration("bbbb") with { CreatedAt = DateTimeOffset.UnixEpoch.AddDays(1) };
        await state.Configurations.UpsertAsync(older, None);
        await state.Configurations.UpsertAsync(newer, None);

        var list = await state.Configurations.ListAsync(None);

        Assert.Equal([newer.Id, older.Id], list.Select(c => c.Id));
    }

    [Fact]
    public async Task Deleting_removes_the_record_and_its_layers_from_the_referenced_set()
    {
        var state = await _workspace.OpenAsync();
        await state.Configurations.UpsertAsync(Configuration("aaaa", layers: ["shared", "only-a"]), None);
        await state.Configurations.UpsertAsync(Configuration("bbbb", layers: ["shared", "only-b"]), None);

        Assert.True(await state.Configurations.DeleteAsync("aaaa00000000", None));
        Assert.False(await state.Configurations.DeleteAsync("aaaa00000000", None));

        Assert.Equal(["only-b", "shared"], (await state.Configurations.ReferencedLayerKeysAsync(None)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_configuration_used_by_a_deployment_cannot_be_deleted()
    {
        var state = await _workspace.OpenAsync();
        var configuration = Configuration("aaaa");
        await state.Configurations.UpsertAsync(configuration, None);
        var deployment = await state.Deployments.CreateAsync(new DeploymentRequest(configuration.Id, "hello", "sandbox", ["h0"]), None);

        var error = await Assert.ThrowsAsync<ConfigurationInUseException>(() => state.Configurations.DeleteAsync(configuration.Id, None));

        Assert.Equal([deployment.Id], error.DeploymentIds);
        Assert.Contains(deployment.Id, error.Message, StringComparison.Ordinal);
        Assert.NotNull(await state.Configurations.FindAsync(configuration.Id, None));
    }

    [Fact]
    public async Task The_database_itself_refuses_to_orphan_a_deployment()
    {
        var state = await _workspace.OpenAsync();
        var configuration = Configuration("aaaa");
        await state.Configurations.UpsertAsync(configuration, None);
        await state.Deployments.CreateAsync(new DeploymentRequest(configuration.Id, "hello", "sandbox", ["h0"]), None);

        // Bypasses the store's friendly check to prove the foreign key holds on its own.
        await using var connection = await state.Database.OpenConnectionAsync(None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM configurations";

        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal(787, error.SqliteExtendedErrorCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("sha256:ABCDEF0123456789")]
    [InlineData("sha256:abc")]
    public void A_malformed_digest_has_no_short_id(string digest) =>
        Assert.Throws<ArgumentException>(() => ConfigurationRecord.ShortId(digest));
}
