namespace Vse.Runtime.Oci;

/// <summary>What probing one runtime found: for <c>vse doctor</c> and for choosing a runtime.</summary>
/// <param name="Path">The binary, or null when it is not installed.</param>
/// <param name="Error">Why it does not work: the runtime's own one-line message.</param>
public sealed record OciRuntimeProbeResult(string Name, string? Path, bool Works, string? Error)
{
    /// <summary>
    /// crun before 1.9 cannot run containers on a hybrid cgroup layout (v1 controllers plus the
    /// v2 hierarchy at /sys/fs/cgroup/unified), which Debian 12 hosts still have.
    /// </summary>
    public bool RefusesHybridCgroups => Error?.Contains("hybrid mode not supported", StringComparison.Ordinal) == true;

    /// <summary>
    /// False when the probe itself could not run (no busybox for the bundle, a timeout): the
    /// outcome then says nothing about the runtime and is not worth remembering.
    /// </summary>
    public bool Conclusive { get; init; } = true;

    public OciRuntime? Runtime => Works && Path is not null ? new OciRuntime(Name, Path) : null;
}
