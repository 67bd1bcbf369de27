namespace Vse.Build.Steps;

/// <summary>A build step could not be applied; the message says which step and why.</summary>
public sealed class StepFailedException(string message, Exception? inner = null) : Exception(message, inner);
