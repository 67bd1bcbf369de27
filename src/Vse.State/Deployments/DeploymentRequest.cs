namespace Vse.State.Deployments;

/// <summary>What <see cref="DeploymentStore.CreateAsync"/> needs; the store assigns the id and the state directories.</summary>
/// <param name="DescriptionPath">The absolute path of the description file deployed, when there is one (<c>vse commit</c> extends it).</param>
/// <param name="Hostnames">One per instance, in index order; their count is the number of instances.</param>
/// <param name="State">
/// What the deployment and its instances are recorded as at first: <see cref="LifecycleState.Creating"/> for a deploy,
/// whose instances are started and recorded one step at a time; <see cref="LifecycleState.Running"/> for a one-shot
/// <c>vse run</c>, whose one instance is started by the same runtime call that runs its command (one write, not two).
/// </param>
public sealed record DeploymentRequest(
    string ConfigurationId,
    string Name,
    string Driver,
    IReadOnlyList<string> Hostnames,
    string? NetworkJson = null,
    string? DescriptionPath = null,
    LifecycleState State = LifecycleState.Creating);
