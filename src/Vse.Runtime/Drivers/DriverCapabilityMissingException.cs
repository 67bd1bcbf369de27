namespace Vse.Runtime.Drivers;

/// <summary>A driver was asked for an operation it cannot do (here, or at all).</summary>
public sealed class DriverCapabilityMissingException(string driver, string operation, string? reason = null)
    : Exception($"the {driver} driver cannot {operation}{(reason is null ? "" : ": " + reason)}")
{
    public string Driver { get; } = driver;

    public string Operation { get; } = operation;
}
