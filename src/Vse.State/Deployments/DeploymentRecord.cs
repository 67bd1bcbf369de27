namespace Vse.State.Deployments;

/// <summary>A deployment: instances of one configuration started together by one driver.</summary>
/// <param name="Id">Eight lowercase hex digits, random (see <see cref="DeploymentIds"/>).</param>
/// <param name="Name">A name for people, usually the description's; not unique.</param>
/// <param name="Driver">The driver that runs it (<c>sandbox</c>, <c>vm</c>, ...).</param>
/// <param name="NetworkJson">The driver's record of the virtual network, if it made one.</param>
/// <param name="DescriptionPath">The absolute path of the description file deployed; null when unknown (deployed before vse recorded it, or from no file).</param>
/// <param name="Owner">
/// The process whose whole life the deployment is: a one-shot <c>vse run</c> recorded by a file (<see cref="OneShotRecords"/>),
/// which that process (or the launcher it became) removes; null for a deployment in the database.
/// </param>
public sealed record DeploymentRecord(
    string Id,
    string ConfigurationId,
    string Name,
    string Driver,
    LifecycleState State,
    DateTimeOffset CreatedAt,
    string? NetworkJson,
    string? DescriptionPath = null,
    Vse.Host.Processes.ProcessStart? Owner = null);
