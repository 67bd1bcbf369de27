using Vse.Build.Rootless;
using Vse.Build.Store;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.Deploy;

/// <summary>
/// The data directory, state database and layer stores a command works with: <see cref="Store"/>
/// is where builds write, <see cref="Layers"/> where they look layers up (it, then the site store).
/// </summary>
public sealed record Workspace(VseHome Home, StateDatabase Database, LayerChain Layers)
{
    public LayerStore Store => Layers.Own;

    public ConfigurationStore Configurations => new(Database);

    /// <summary>The configurations last read by id, valid while the database is unchanged: what a repeated command finds without SQLite.</summary>
    public ConfigurationSightings Sightings { get; } = new(Home);

    /// <summary>The configuration with exactly this id, from <see cref="Sightings"/> when they vouch for it, else from the database.</summary>
    public Task<ConfigurationRecord?> FindConfigurationAsync(string id, CancellationToken cancellationToken) =>
        Sightings.FindAsync(Configurations, id, cancellationToken);

    public DeploymentStore Deployments => new(Database, Home);

    public DeploymentManager Instances => new(Home, Deployments);

    /// <param name="variables">The process environment: <c>VSE_HOME</c>, <c>VSE_SITE_STORE</c>.</param>
    /// <param name="publishTo">
    /// A store to build into instead of the data directory's (<c>vse build --store</c>): made
    /// readable by all, for a site store; no other store is looked in then.
    /// </param>
    public static Task<Workspace> OpenAsync(IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken, string? publishTo = null)
    {
        var home = VseHome.Resolve(variables, Environment.IsPrivilegedProcess);
        home.EnsureCreated(cancellationToken);
        // Opened by its first transaction: a run that its configuration's sighting serves never loads SQLite.
        var database = StateDatabase.Deferred(home.Database);
        var layers = publishTo is not null
            ? LayerChain.Single(new LayerStore(Path.GetFullPath(publishTo), LayerStoreAccess.Published))
            : OpenLayerChain(new LayerStore(home.Store), VseHome.SiteStore(variables), variables);
        return Task.FromResult(new Workspace(home, database, layers));
    }

    /// <summary>In the rootless build namespace, the site store as the host's side judged it (the CLI's build namespace entry hands the verdict in); elsewhere as this process sees it.</summary>
    private static LayerChain OpenLayerChain(LayerStore own, string? siteRoot, IReadOnlyDictionary<string, string> variables)
    {
        if (!BuildNamespace.IsInside)
        {
            return LayerChain.Open(own, siteRoot);
        }

        var verdict = SiteStoreVerdict.Read(variables.GetValueOrDefault(SiteStoreVerdict.FileVariable), out var problem);
        return LayerChain.OpenAsJudged(own, siteRoot, verdict, problem);
    }
}
