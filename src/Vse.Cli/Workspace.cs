using Vse.Build.Rootless;
using Vse.Build.Store;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.Cli;

/// <summary>
/// The data directory, state database and layer stores a command works with: <see cref="Store"/>
/// is where builds write, <see cref="Layers"/> where they look layers up (it, then the site store).
/// </summary>
public sealed record Workspace(VseHome Home, StateDatabase Database, LayerChain Layers)
{
    public LayerStore Store => Layers.Own;

    public ConfigurationStore Configurations => new(Database);

    public DeploymentStore Deployments => new(Database, Home);

    public Vse.Deploy.DeploymentManager Instances => new(Home, Deployments);

    /// <summary>Prints the site store's refusals (<see cref="LayerChain.Warnings"/>) from the <paramref name="skip"/>th on, to stderr; returns how many there are.</summary>
    public int PrintSiteStoreWarnings(int skip)
    {
        var warnings = Layers.Warnings;
        foreach (var warning in warnings.Skip(skip))
        {
            Console.Error.WriteLine($"vse: warning: {warning}");
        }

        return warnings.Count;
    }

    /// <param name="publishTo">
    /// A store to build into instead of the data directory's (<c>vse build --store</c>): made
    /// readable by all, for a site store; no other store is looked in then.
    /// </param>
    public static async Task<Workspace> OpenAsync(CliEnvironment environment, CancellationToken cancellationToken, string? publishTo = null)
    {
        var home = VseHome.Resolve(environment.Variables, Environment.IsPrivilegedProcess);
        home.EnsureCreated(cancellationToken);
        var database = await StateDatabase.OpenAsync(home.Database, cancellationToken);
        var layers = publishTo is not null
            ? LayerChain.Single(new LayerStore(Path.GetFullPath(publishTo), LayerStoreAccess.Published))
            : OpenLayerChain(new LayerStore(home.Store), VseHome.SiteStore(environment.Variables), environment);
        return new Workspace(home, database, layers);
    }

    /// <summary>In the rootless build namespace, the site store as the host's side judged it (<see cref="BuildNamespaceEntry"/>); elsewhere as this process sees it.</summary>
    private static LayerChain OpenLayerChain(LayerStore own, string? siteRoot, CliEnvironment environment)
    {
        if (!BuildNamespace.IsInside)
        {
            return LayerChain.Open(own, siteRoot);
        }

        var verdict = SiteStoreVerdict.Read(environment.Variables.GetValueOrDefault(SiteStoreVerdict.FileVariable), out var problem);
        return LayerChain.OpenAsJudged(own, siteRoot, verdict, problem);
    }
}
