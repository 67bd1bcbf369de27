namespace Vse.Runtime.Oci;

/// <summary>One runtime's remembered probe outcome and the key it is valid for.</summary>
public sealed record OciProbeCacheEntry(string Name, OciProbeKey Key, bool Works, string? Error, DateTimeOffset ProbedAt);
