using Vse.Host;

namespace Vse.Deploy;

/// <summary>An operation needs a running deployment (or instance) and this one is not.</summary>
public sealed class DeploymentNotRunningException(string message) : Exception(message), IInputError;
