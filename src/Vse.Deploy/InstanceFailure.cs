namespace Vse.Deploy;

/// <summary>An instance that did not start, and why.</summary>
public sealed record InstanceFailure(int Index, string Hostname, string Reason);
