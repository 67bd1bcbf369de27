using Vse.Build.Store;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.Cli;

/// <summary>The data directory, state database and layer store a command works with.</summary>
public sealed record Workspace(VseHome Home, StateDatabase Database, LayerStore Store)
{
    public ConfigurationStore Configurations => new(Database);

    public DeploymentStore Deployments => new(Database, Home);

    public Vse.Deploy.DeploymentManager Instances => new(Home, Deployments);

    public static async Task<Workspace> OpenAsync(CliEnvironment environment, CancellationToken cancellationToken)
    {
        var home = VseHome.Resolve(environment.Variables, Environment.IsPrivilegedProcess);
        home.EnsureCreated(cancellationToken);
        var database = await StateDatabase.OpenAsync(home.Database, cancellationToken);
        return new Workspace(home, database, new LayerStore(home.Store));
    }
}
