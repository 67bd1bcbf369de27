namespace Vse.Runtime.Oci;

/// <summary>An OCI runtime binary (crun, runc) that was found, and proven to work by a probe.</summary>
public sealed record OciRuntime(string Name, string Path);
