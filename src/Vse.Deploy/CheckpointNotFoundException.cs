using Vse.Host;

namespace Vse.Deploy;

/// <summary>A restore was asked for from a checkpoint that was never written (or not where the user said).</summary>
public sealed class CheckpointNotFoundException(string message) : Exception(message), IInputError;
