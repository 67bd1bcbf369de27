using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Vse.State.Configurations;
using Vse.State.Sql;

namespace Vse.State.Deployments;

/// <summary>
/// The deployments and instances recorded in the state database. A deployment is recorded
/// (<see cref="LifecycleState.Creating"/>) before anything of it is started, and every later step
/// updates the record, so a vse killed at any point leaves a record that <c>vse ps</c> shows and
/// <c>vse cleanup</c> can act on. One-shot runs are recorded by a file instead (<see cref="CreateOneShot"/>,
/// <see cref="OneShotRecords"/>), which every read here merges with the database's records.
/// </summary>
public sealed partial class DeploymentStore(StateDatabase database, VseHome home, TimeProvider? timeProvider = null)
{
    // 32 random bits: a clash needs tens of thousands of live deployments; retrying a few
    // times only guards against plain bad luck.
    private const int IdAttempts = 16;

    private const string DeploymentColumns = "id, configuration_id, name, driver, state, created_at, network_json, description_path";

    private const string InstanceColumns =
        "deployment_id, instance_index, hostname, state, pid, runtime_id, address, state_directory";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    private readonly OneShotRecords _oneShots = new(home);

    /// <summary>
    /// Records a one-shot <c>vse run</c>: one instance, running, owned by this process, in a file
    /// (<c>run/ID/once.json</c>), not the database: the hot path of a run opens no transaction, and
    /// the launcher this process may replace itself with removes the record when the command ends
    /// (<c>vse-launch --once --discard</c>). Reads of this store see it as any deployment.
    /// </summary>
    /// <remarks>
    /// The configuration is not checked to exist, as <see cref="CreateAsync"/> does: the caller has
    /// just read it. The id is unique among the files; the database's are not read (a clash with one
    /// is 1 in 2^32 per deployment recorded there, and the instance's state directory then refuses it).
    /// </remarks>
    public Deployment CreateOneShot(DeploymentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _oneShots.Create(request, _time.GetUtcNow());
    }

    /// <summary>The file that records the one-shot deployment <paramref name="id"/> (<see cref="CreateOneShot"/>), for whoever removes it last.</summary>
    public string OneShotRecordPath(string id) => _oneShots.PathOf(id);

    /// <summary>
    /// Records a new deployment and its instances, all in the request's state (<see cref="LifecycleState.Creating"/>
    /// unless it says <see cref="LifecycleState.Running"/>), in one transaction. Call it before starting anything.
    /// Instance <c>i</c>'s state directory is <see cref="VseHome.InstanceDirectory"/>; it is not created here.
    /// </summary>
    /// <exception cref="ConfigurationNotFoundException">No configuration has exactly this id.</exception>
    public Task<Deployment> CreateAsync(DeploymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Hostnames.Count == 0)
        {
            throw new ArgumentException("a deployment needs at least one instance", nameof(request));
        }

        if (request.State is not (LifecycleState.Creating or LifecycleState.Running))
        {
            throw new ArgumentException($"a deployment is recorded as creating or running, not {request.State.ToString().ToLowerInvariant()}", nameof(request));
        }

        var createdAt = _time.GetUtcNow();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var exists = SqlValues.Command(connection, transaction, "SELECT 1 FROM configurations WHERE id = $id"))
                {
                    exists.Add("$id", request.ConfigurationId);
                    if (await exists.ExecuteScalarAsync(ct) is null)
                    {
                        throw new ConfigurationNotFoundException(request.ConfigurationId);
                    }
                }

                var id = await NewUniqueIdAsync(connection, transaction, ct);
                var record = new DeploymentRecord(
                    id, request.ConfigurationId, request.Name, request.Driver, request.State, createdAt, request.NetworkJson, request.DescriptionPath);
                await using (var insert = SqlValues.Command(
                    connection,
                    transaction,
                    $"INSERT INTO deployments ({DeploymentColumns}) VALUES ($id, $configuration, $name, $driver, $state, $created, $network, $description)"))
                {
                    insert.Add("$id", id);
                    insert.Add("$configuration", record.ConfigurationId);
                    insert.Add("$name", record.Name);
                    insert.Add("$driver", record.Driver);
                    insert.Add("$state", record.State.ToString());
                    insert.Add("$created", SqlValues.Timestamp(createdAt));
                    insert.Add("$network", record.NetworkJson);
                    insert.Add("$description", record.DescriptionPath);
                    await insert.ExecuteNonQueryAsync(ct);
                }

                var instances = new List<InstanceRecord>(request.Hostnames.Count);
                await using (var insert = SqlValues.Command(
                    connection,
                    transaction,
                    $"INSERT INTO instances ({InstanceColumns}) VALUES ($deployment, $index, $hostname, $state, NULL, NULL, NULL, $directory)"))
                {
                    insert.Add("$deployment", id);
                    insert.Add("$state", StateName(request.State));
                    var index = insert.Parameters.Add("$index", SqliteType.Integer);
                    var hostname = insert.Parameters.Add("$hostname", SqliteType.Text);
                    var directory = insert.Parameters.Add("$directory", SqliteType.Text);
                    for (var i = 0; i < request.Hostnames.Count; i++)
                    {
                        var instance = new InstanceRecord(
                            id, i, request.Hostnames[i], request.State, null, null, null, home.InstanceDirectory(id, i));
                        index.Value = i;
                        hostname.Value = instance.Hostname;
                        directory.Value = instance.StateDirectory;
                        await insert.ExecuteNonQueryAsync(ct);
                        instances.Add(instance);
                    }
                }

                return new Deployment(record, instances);
            },
            cancellationToken);
    }

    /// <summary>Sets an instance's state and host pid (null once it has no process).</summary>
    /// <exception cref="InstanceNotFoundException">No such deployment and index.</exception>
    public Task UpdateInstanceAsync(string deploymentId, int index, LifecycleState state, int? pid, CancellationToken cancellationToken) =>
        index == 0 && _oneShots.SetState(deploymentId, state, pid) ? Task.CompletedTask : UpdateInstanceColumnsAsync(
            deploymentId,
            index,
            "state = $state, pid = $pid",
            command =>
            {
                command.Add("$state", StateName(state));
                command.Add("$pid", pid);
            },
            cancellationToken);

    /// <summary>
    /// Sets many instances' states and host pids in one transaction: a thousand instances
    /// started together are one write, not a thousand.
    /// </summary>
    /// <exception cref="InstanceNotFoundException">No such deployment and index (nothing is written then).</exception>
    public Task UpdateInstancesAsync(string deploymentId, IReadOnlyList<InstanceUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        ArgumentNullException.ThrowIfNull(updates);
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqlValues.Command(
                    connection,
                    transaction,
                    "UPDATE instances SET state = $state, pid = $pid WHERE deployment_id = $deployment AND instance_index = $index");
                command.Add("$deployment", deploymentId);
                var index = command.Parameters.Add("$index", SqliteType.Integer);
                var state = command.Parameters.Add("$state", SqliteType.Text);
                var pid = command.Parameters.Add("$pid", SqliteType.Integer);
                foreach (var update in updates)
                {
                    index.Value = update.Index;
                    state.Value = StateName(update.State);
                    pid.Value = (object?)update.Pid ?? DBNull.Value;
                    if (await command.ExecuteNonQueryAsync(ct) == 0)
                    {
                        throw new InstanceNotFoundException(deploymentId, update.Index);
                    }
                }

                return true;
            },
            cancellationToken);
    }

    /// <summary>Records the driver's name for an instance and its network address, once the driver has them.</summary>
    /// <exception cref="InstanceNotFoundException">No such deployment and index.</exception>
    public Task SetInstanceRuntimeAsync(string deploymentId, int index, string? runtimeId, string? address, CancellationToken cancellationToken) =>
        UpdateInstanceColumnsAsync(
            deploymentId,
            index,
            "runtime_id = $runtime, address = $address",
            command =>
            {
                command.Add("$runtime", runtimeId);
                command.Add("$address", address);
            },
            cancellationToken);

    /// <summary>Sets the state of the deployment as a whole (its instances keep their own).</summary>
    /// <exception cref="DeploymentNotFoundException">No deployment has exactly this id.</exception>
    public Task SetStateAsync(string deploymentId, LifecycleState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        var name = StateName(state);
        if (_oneShots.SetState(deploymentId, state, null))
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqlValues.Command(connection, transaction, "UPDATE deployments SET state = $state WHERE id = $id");
                command.Add("$state", name);
                command.Add("$id", deploymentId);
                return await command.ExecuteNonQueryAsync(ct) > 0 ? true : throw new DeploymentNotFoundException(deploymentId);
            },
            cancellationToken);
    }

    /// <summary>
    /// The deployment named by <paramref name="reference"/>, tried in this order: its id; its name;
    /// a prefix of its id.
    /// </summary>
    /// <exception cref="DeploymentNotFoundException">Nothing matches.</exception>
    /// <exception cref="AmbiguousReferenceException">The name or prefix matches several deployments.</exception>
    public async Task<Deployment> GetAsync(string reference, CancellationToken cancellationToken) =>
        await FindAsync(reference, cancellationToken) ?? throw new DeploymentNotFoundException(reference);

    /// <summary>As <see cref="GetAsync"/>, but null when nothing matches.</summary>
    /// <remarks>A one-shot run's record (a file) is found by its id first; by name or prefix only when no database record matches.</remarks>
    /// <exception cref="AmbiguousReferenceException">The name or prefix matches several deployments.</exception>
    public async Task<Deployment?> FindAsync(string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (_oneShots.Read(reference) is { } oneShot)
        {
            return oneShot;
        }

        if (await FindRecordedAsync(reference, cancellationToken) is { } recorded)
        {
            return recorded;
        }

        var prefix = HexPrefix().IsMatch(reference) ? reference : null;
        var all = _oneShots.All();
        var matches = all.Where(d => d.Record.Name == reference).ToList();
        if (matches.Count == 0 && prefix is not null)
        {
            matches = [.. all.Where(d => d.Id.StartsWith(prefix, StringComparison.Ordinal))];
        }

        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new AmbiguousReferenceException("deployment", reference, [.. matches.Select(d => d.Id).Order(StringComparer.Ordinal)]),
        };
    }

    private Task<Deployment?> FindRecordedAsync(string reference, CancellationToken cancellationToken)
    {
        var prefix = HexPrefix().IsMatch(reference) ? reference : null;
        return database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqlValues.Command(connection, transaction, """
                    SELECT id, 0 FROM deployments WHERE id = $reference
                    UNION ALL
                    SELECT id, 1 FROM deployments WHERE name = $reference
                    UNION ALL
                    SELECT id, 2 FROM deployments
                    WHERE $prefix IS NOT NULL AND substr(id, 1, length($prefix)) = $prefix
                    ORDER BY 2, 1
                    """);
                command.Add("$reference", reference);
                command.Add("$prefix", prefix);
                if (await RankedReference.ResolveAsync(command, "deployment", reference, ct) is not { } id)
                {
                    return null;
                }

                var found = await ReadAsync(connection, transaction, id, ct);
                return found.Count == 1 ? found[0] : null;
            },
            cancellationToken);
    }

    /// <summary>Every recorded deployment in any state (one-shot runs' files too), newest first, with its instances.</summary>
    public async Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken cancellationToken)
    {
        var recorded = await database.ReadAsync<IReadOnlyList<Deployment>>(
            (connection, transaction, ct) => ReadAsync(connection, transaction, onlyId: null, ct),
            cancellationToken);
        return [.. recorded.Concat(_oneShots.All()).OrderByDescending(d => d.Record.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>Forgets the deployment with exactly this id and its instances; false if there was none. Stops nothing.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_oneShots.Delete(id))
        {
            return Task.FromResult(true);
        }

        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqlValues.Command(connection, transaction, "DELETE FROM deployments WHERE id = $id");
                command.Add("$id", id);
                return await command.ExecuteNonQueryAsync(ct) > 0;
            },
            cancellationToken);
    }

    private Task UpdateInstanceColumnsAsync(
        string deploymentId,
        int index,
        string assignments,
        Action<SqliteCommand> bind,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqlValues.Command(
                    connection,
                    transaction,
                    $"UPDATE instances SET {assignments} WHERE deployment_id = $deployment AND instance_index = $index");
                command.Add("$deployment", deploymentId);
                command.Add("$index", index);
                bind(command);
                return await command.ExecuteNonQueryAsync(ct) > 0 ? true : throw new InstanceNotFoundException(deploymentId, index);
            },
            cancellationToken);
    }

    private async Task<string> NewUniqueIdAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, transaction, "SELECT 1 FROM deployments WHERE id = $id");
        var parameter = command.Parameters.Add("$id", SqliteType.Text);
        for (var attempt = 0; attempt < IdAttempts; attempt++)
        {
            var id = DeploymentIds.New();
            parameter.Value = id;
            // A one-shot run's id is a directory under run/ (its record, a file).
            if (!Directory.Exists(Path.Combine(home.Deployments, id)) && await command.ExecuteScalarAsync(cancellationToken) is null)
            {
                return id;
            }
        }

        throw new InvalidOperationException($"no free deployment id after {IdAttempts} random tries");
    }

    // Both queries in one snapshot, instances grouped under their deployment; every
    // deployment, or only the one with id onlyId.
    private static async Task<IReadOnlyList<Deployment>> ReadAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string? onlyId,
        CancellationToken cancellationToken)
    {
        var instances = new Dictionary<string, List<InstanceRecord>>(StringComparer.Ordinal);
        await using (var command = SqlValues.Command(
            connection,
            transaction,
            $"SELECT {InstanceColumns} FROM instances WHERE $id IS NULL OR deployment_id = $id ORDER BY deployment_id, instance_index"))
        {
            command.Add("$id", onlyId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var instance = new InstanceRecord(
                    DeploymentId: reader.GetString(0),
                    Index: reader.GetInt32(1),
                    Hostname: reader.GetString(2),
                    State: Enum.Parse<LifecycleState>(reader.GetString(3)),
                    Pid: SqlValues.ReadNullableInt32(reader, 4),
                    RuntimeId: SqlValues.ReadNullableString(reader, 5),
                    Address: SqlValues.ReadNullableString(reader, 6),
                    StateDirectory: reader.GetString(7));
                if (!instances.TryGetValue(instance.DeploymentId, out var list))
                {
                    instances[instance.DeploymentId] = list = [];
                }

                list.Add(instance);
            }
        }

        var deployments = new List<Deployment>();
        await using (var command = SqlValues.Command(
            connection,
            transaction,
            $"SELECT {DeploymentColumns} FROM deployments WHERE $id IS NULL OR id = $id ORDER BY created_at DESC, id"))
        {
            command.Add("$id", onlyId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var record = new DeploymentRecord(
                    Id: reader.GetString(0),
                    ConfigurationId: reader.GetString(1),
                    Name: reader.GetString(2),
                    Driver: reader.GetString(3),
                    State: Enum.Parse<LifecycleState>(reader.GetString(4)),
                    CreatedAt: SqlValues.ReadTimestamp(reader, 5),
                    NetworkJson: SqlValues.ReadNullableString(reader, 6),
                    DescriptionPath: SqlValues.ReadNullableString(reader, 7));
                deployments.Add(new Deployment(record, instances.GetValueOrDefault(record.Id) ?? []));
            }
        }

        return deployments;
    }

    private static string StateName(LifecycleState state) =>
        Enum.IsDefined(state) ? state.ToString() : throw new ArgumentOutOfRangeException(nameof(state), state, "not a lifecycle state");

    [GeneratedRegex("^[0-9a-f]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexPrefix();
}
