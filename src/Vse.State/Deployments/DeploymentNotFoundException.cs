using Vse.Host;

namespace Vse.State.Deployments;

/// <summary>No deployment has this id, id prefix or name.</summary>
public sealed class DeploymentNotFoundException(string reference)
    : StateException($"no deployment '{reference}' (see vse ps)"), IInputError
{
    public string Reference { get; } = reference;
}
