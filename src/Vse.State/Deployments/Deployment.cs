namespace Vse.State.Deployments;

/// <summary>A deployment with its instances (ordered by index), read in one snapshot.</summary>
public sealed record Deployment(DeploymentRecord Record, IReadOnlyList<InstanceRecord> Instances)
{
    public string Id => Record.Id;
}
