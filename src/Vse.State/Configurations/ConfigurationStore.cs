using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Vse.State.Sql;

namespace Vse.State.Configurations;

/// <summary>The built configurations recorded in the state database.</summary>
public sealed partial class ConfigurationStore(StateDatabase database, VseHome? home = null)
{
    private const string Columns =
        "id, name, description_digest, target, top_layer_key, rootfs_path, size_bytes, created_at, description_json, lock_json";

    /// <summary>
    /// Records <paramref name="configuration"/>, replacing the record with the same id (a rebuild of
    /// the same description) together with its layer list.
    /// </summary>
    /// <exception cref="ArgumentException">The id is not the short id of the digest.</exception>
    /// <exception cref="InvalidOperationException">Another digest already owns this short id (a 48-bit collision).</exception>
    public Task UpsertAsync(ConfigurationRecord configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (ConfigurationRecord.ShortId(configuration.DescriptionDigest) != configuration.Id)
        {
            throw new ArgumentException(
                $"configuration id '{configuration.Id}' is not the short id of {configuration.DescriptionDigest}",
                nameof(configuration));
        }

        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var upsert = SqlValues.Command(connection, transaction, $"""
                    INSERT INTO configurations ({Columns})
                    VALUES ($id, $name, $digest, $target, $top, $rootfs, $size, $created, $description, $lock)
                    ON CONFLICT (id) DO UPDATE SET
                        name = excluded.name,
                        target = excluded.target,
                        top_layer_key = excluded.top_layer_key,
                        rootfs_path = excluded.rootfs_path,
                        size_bytes = excluded.size_bytes,
                        created_at = excluded.created_at,
                        description_json = excluded.description_json,
                        lock_json = excluded.lock_json
                    WHERE configurations.description_digest = excluded.description_digest
                    """))
                {
                    upsert.Add("$id", configuration.Id);
                    upsert.Add("$name", configuration.Name);
                    upsert.Add("$digest", configuration.DescriptionDigest);
                    upsert.Add("$target", configuration.Target);
                    upsert.Add("$top", configuration.TopLayerKey);
                    upsert.Add("$rootfs", configuration.RootfsPath);
                    upsert.Add("$size", configuration.SizeBytes);
                    upsert.Add("$created", SqlValues.Timestamp(configuration.CreatedAt));
                    upsert.Add("$description", configuration.DescriptionJson);
                    upsert.Add("$lock", configuration.LockJson);
                    if (await upsert.ExecuteNonQueryAsync(ct) == 0)
                    {
                        throw new InvalidOperationException(
                            $"short id {configuration.Id} already belongs to another digest than {configuration.DescriptionDigest}");
                    }
                }

                await using (var clear = SqlValues.Command(connection, transaction, "DELETE FROM configuration_layers WHERE configuration_id = $id"))
                {
                    clear.Add("$id", configuration.Id);
                    await clear.ExecuteNonQueryAsync(ct);
                }

                await using var insert = SqlValues.Command(
                    connection,
                    transaction,
                    "INSERT INTO configuration_layers (configuration_id, position, layer_key) VALUES ($id, $position, $key)");
                var position = insert.Parameters.Add("$position", SqliteType.Integer);
                var key = insert.Parameters.Add("$key", SqliteType.Text);
                insert.Add("$id", configuration.Id);
                for (var i = 0; i < configuration.LayerKeys.Count; i++)
                {
                    position.Value = i;
                    key.Value = configuration.LayerKeys[i];
                    await insert.ExecuteNonQueryAsync(ct);
                }

                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// The configuration named by <paramref name="reference"/>, tried in this order: its id or full
    /// digest; its name; a prefix of its digest's hex (with or without <c>sha256:</c>).
    /// </summary>
    /// <exception cref="ConfigurationNotFoundException">Nothing matches.</exception>
    /// <exception cref="AmbiguousReferenceException">The name or prefix matches several configurations.</exception>
    public async Task<ConfigurationRecord> GetAsync(string reference, CancellationToken cancellationToken) =>
        await FindAsync(reference, cancellationToken) ?? throw new ConfigurationNotFoundException(reference);

    /// <summary>As <see cref="GetAsync"/>, but null when nothing matches.</summary>
    /// <exception cref="AmbiguousReferenceException">The name or prefix matches several configurations.</exception>
    public Task<ConfigurationRecord?> FindAsync(string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var prefix = HexPrefix().Match(reference) is { Success: true } match ? match.Groups["hex"].Value : null;
        return database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                // Ranked so an exact id beats a name and a name beats a prefix: a short name that
                // happens to be hex ("cafe") still finds the configuration called that.
                await using var command = SqlValues.Command(connection, transaction, """
                    SELECT id, 0 FROM configurations WHERE id = $reference OR description_digest = $reference
                    UNION ALL
                    SELECT id, 1 FROM configurations WHERE name = $reference
                    UNION ALL
                    SELECT id, 2 FROM configurations
                    WHERE $prefix IS NOT NULL
                      AND substr(description_digest, instr(description_digest, ':') + 1, length($prefix)) = $prefix
                    ORDER BY 2, 1
                    """);
                command.Add("$reference", reference);
                command.Add("$prefix", prefix);
                if (await RankedReference.ResolveAsync(command, "configuration", reference, ct) is not { } id)
                {
                    return null;
                }

                return await ReadOneAsync(connection, transaction, id, ct);
            },
            cancellationToken);
    }

    /// <summary>Every built configuration, newest first.</summary>
    public Task<IReadOnlyList<ConfigurationRecord>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ConfigurationRecord>>(
            async (connection, transaction, ct) =>
            {
                var layers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                await using (var command = SqlValues.Command(
                    connection,
                    transaction,
                    "SELECT configuration_id, layer_key FROM configuration_layers ORDER BY configuration_id, position"))
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        var id = reader.GetString(0);
                        if (!layers.TryGetValue(id, out var keys))
                        {
                            layers[id] = keys = [];
                        }

                        keys.Add(reader.GetString(1));
                    }
                }

                var result = new List<ConfigurationRecord>();
                await using (var command = SqlValues.Command(
                    connection,
                    transaction,
                    $"SELECT {Columns} FROM configurations ORDER BY created_at DESC, id"))
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        result.Add(ReadRecord(reader, layers.GetValueOrDefault(reader.GetString(0)) ?? []));
                    }
                }

                return result;
            },
            cancellationToken);

    /// <summary>Removes the configuration with exactly this id and its layer list; false if there was none.</summary>
    /// <exception cref="ConfigurationInUseException">A deployment (in any state) still references it, a one-shot run's too (with <c>home</c>).</exception>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // One-shot runs are recorded by files (Deployments.OneShotRecords), outside the foreign key.
                var users = home is null ? [] : new Deployments.OneShotRecords(home).All().Where(d => d.Record.ConfigurationId == id).Select(d => d.Id).ToList();
                await using (var command = SqlValues.Command(
                    connection,
                    transaction,
                    "SELECT id FROM deployments WHERE configuration_id = $id ORDER BY id"))
                {
                    command.Add("$id", id);
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        users.Add(reader.GetString(0));
                    }
                }

                if (users.Count > 0)
                {
                    throw new ConfigurationInUseException(id, [.. users.Order(StringComparer.Ordinal)]);
                }

                await using var delete = SqlValues.Command(connection, transaction, "DELETE FROM configurations WHERE id = $id");
                delete.Add("$id", id);
                try
                {
                    return await delete.ExecuteNonQueryAsync(ct) > 0;
                }
                catch (SqliteException exception) when (SqlValues.IsForeignKeyViolation(exception))
                {
                    // The check above runs under the write lock, so this is only a backstop.
                    throw new ConfigurationInUseException(id, []);
                }
            },
            cancellationToken);
    }

    /// <summary>Every layer key some configuration needs: what <c>vse gc</c> must not remove.</summary>
    public Task<IReadOnlySet<string>> ReferencedLayerKeysAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlySet<string>>(
            async (connection, transaction, ct) =>
            {
                await using var command = SqlValues.Command(connection, transaction, """
                    SELECT layer_key FROM configuration_layers
                    UNION
                    SELECT top_layer_key FROM configurations
                    """);
                var keys = new HashSet<string>(StringComparer.Ordinal);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    keys.Add(reader.GetString(0));
                }

                return keys;
            },
            cancellationToken);

    private static async Task<ConfigurationRecord?> ReadOneAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string id,
        CancellationToken cancellationToken)
    {
        var layers = new List<string>();
        await using (var command = SqlValues.Command(
            connection,
            transaction,
            "SELECT layer_key FROM configuration_layers WHERE configuration_id = $id ORDER BY position"))
        {
            command.Add("$id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                layers.Add(reader.GetString(0));
            }
        }

        await using (var command = SqlValues.Command(connection, transaction, $"SELECT {Columns} FROM configurations WHERE id = $id"))
        {
            command.Add("$id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader, layers) : null;
        }
    }

    private static ConfigurationRecord ReadRecord(SqliteDataReader reader, IReadOnlyList<string> layerKeys) =>
        new(
            Id: reader.GetString(0),
            Name: reader.GetString(1),
            DescriptionDigest: reader.GetString(2),
            Target: SqlValues.ReadNullableString(reader, 3),
            TopLayerKey: reader.GetString(4),
            RootfsPath: reader.GetString(5),
            SizeBytes: reader.GetInt64(6),
            CreatedAt: SqlValues.ReadTimestamp(reader, 7),
            LayerKeys: layerKeys,
            DescriptionJson: reader.GetString(8),
            LockJson: reader.GetString(9));

    // What may be a digest prefix: hex digits, optionally after "sha256:".
    [GeneratedRegex("^(?:sha256:)?(?<hex>[0-9a-f]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex HexPrefix();
}
