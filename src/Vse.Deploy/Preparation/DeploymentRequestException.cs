using Vse.Host;

namespace Vse.Deploy.Preparation;

/// <summary>A deployment asked for with counts or a driver that cannot be (the user's input: exit code 2).</summary>
public sealed class DeploymentRequestException(string message) : Exception(message), IInputError;
