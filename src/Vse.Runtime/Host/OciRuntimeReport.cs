namespace Vse.Runtime.Host;

/// <summary>One OCI runtime as <c>vse doctor</c> found it: installed or not, and whether a probe container really ran.</summary>
/// <param name="Error">Why it does not work, in one line; null when it works.</param>
public sealed record OciRuntimeReport(string Name, string? Path, string? Version, bool Works, string? Error);
