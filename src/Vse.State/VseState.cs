using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.State;

/// <summary>The data directory opened for use: its layout, its database and the stores over it.</summary>
public sealed class VseState
{
    private VseState(VseHome home, StateDatabase database, TimeProvider? timeProvider)
    {
        Home = home;
        Database = database;
        Configurations = new ConfigurationStore(database, home);
        Deployments = new DeploymentStore(database, home, timeProvider);
    }

    public VseHome Home { get; }

    public StateDatabase Database { get; }

    public ConfigurationStore Configurations { get; }

    public DeploymentStore Deployments { get; }

    /// <summary>Creates the data directory if needed and opens (migrating) its database.</summary>
    /// <exception cref="VseHomeException">The directory cannot be created.</exception>
    /// <exception cref="Schema.StateSchemaException">The database is from a newer vse, or a migration failed.</exception>
    /// <exception cref="StateDatabaseException">SQLite could not open the database.</exception>
    public static Task<VseState> OpenAsync(VseHome home, CancellationToken cancellationToken) =>
        OpenAsync(home, timeProvider: null, cancellationToken);

    /// <inheritdoc cref="OpenAsync(VseHome, CancellationToken)"/>
    /// <param name="timeProvider">The clock that stamps new records (tests pin it).</param>
    public static async Task<VseState> OpenAsync(VseHome home, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        home.EnsureCreated(cancellationToken);
        var database = await StateDatabase.OpenAsync(home.Database, cancellationToken);
        return new VseState(home, database, timeProvider);
    }
}
