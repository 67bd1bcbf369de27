namespace Vse.Runtime.Host;

/// <summary>An external tool vse drives: where it is, and its version where asking is cheap.</summary>
/// <param name="Path">Null when it is not installed.</param>
/// <param name="Package">The Debian package that provides it, for the "not found" line.</param>
public sealed record ToolReport(string Name, string? Path, string? Version, string Package);
