namespace Vse.Runtime.Drivers;

/// <summary>A host directory or file granted to the instance at <paramref name="Target"/>.</summary>
public sealed record InstanceMount(string Target, string Source, bool ReadOnly);
