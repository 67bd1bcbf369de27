namespace Vse.Description.Model;

/// <summary><c>resources</c> as instances are limited by it; null where the description sets no limit.</summary>
/// <param name="Cpus">Whole CPUs.</param>
/// <param name="MemoryBytes">Memory in bytes (sizes are resolved to bytes).</param>
public sealed record ResourceLimits(int? Cpus, long? MemoryBytes)
{
    public static ResourceLimits None { get; } = new(null, null);
}
