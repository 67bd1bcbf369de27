namespace Vse.State.Deployments;

/// <summary>What <see cref="DeploymentStore.CreateAsync"/> needs; the store assigns the id and the state directories.</summary>
/// <param name="DescriptionPath">The absolute path of the description file deployed, when there is one (<c>vse commit</c> extends it).</param>
/// <param name="Hostnames">One per instance, in index order; their count is the number of instances.</param>
public sealed record DeploymentRequest(
    string ConfigurationId,
    string Name,
    string Driver,
    IReadOnlyList<string> Hostnames,
    string? NetworkJson = null,
    string? DescriptionPath = null);
