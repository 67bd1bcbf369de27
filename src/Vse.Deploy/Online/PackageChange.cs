namespace Vse.Deploy.Online;

/// <summary>A package installed (<see cref="Before"/> null), removed (<see cref="After"/> null) or moved to another version in an instance.</summary>
public sealed record PackageChange(string Name, string? Before, string? After);
