namespace Vse.Build.Store;

/// <summary>What a stored layer is: the <c>layer.json</c> beside its tree.</summary>
/// <param name="Key">sha256 hex of (parent key, canonical step, content of the step's inputs).</param>
/// <param name="Parent">The layer below, or null for a base.</param>
/// <param name="Step">The step's canonical JSON.</param>
/// <param name="Title">A human form of the step, for listings.</param>
public sealed record LayerRecord(string Key, string? Parent, string Step, string Title, DateTimeOffset CreatedAt, double Seconds);
