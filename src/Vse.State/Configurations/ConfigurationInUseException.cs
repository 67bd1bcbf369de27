using Vse.Host;

namespace Vse.State.Configurations;

/// <summary>A configuration cannot be deleted while deployments still reference it; the message names them.</summary>
public sealed class ConfigurationInUseException(string configurationId, IReadOnlyList<string> deploymentIds)
    : StateException(
        deploymentIds.Count == 0
            ? $"configuration {configurationId} is still used by a deployment; clean it up first"
            : $"configuration {configurationId} is still used by deployment(s) {string.Join(", ", deploymentIds)}; clean them up first"), IInputError
{
    public string ConfigurationId { get; } = configurationId;

    /// <summary>The deployments that hold it (may be empty if only the database's foreign key noticed).</summary>
    public IReadOnlyList<string> DeploymentIds { get; } = deploymentIds;
}
