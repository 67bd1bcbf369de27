using Vse.Host;

namespace Vse.State.Configurations;

/// <summary>No built configuration has this id, name or digest prefix.</summary>
public sealed class ConfigurationNotFoundException(string reference)
    : StateException($"no built configuration '{reference}' (see vse images)"), IInputError
{
    public string Reference { get; } = reference;
}
