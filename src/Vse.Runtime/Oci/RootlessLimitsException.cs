namespace Vse.Runtime.Oci;

/// <summary>
/// CPU and memory limits asked for by an unprivileged user: they need a cgroup, and an
/// unprivileged user has no cgroup of their own to write to here.
/// </summary>
public sealed class RootlessLimitsException() : Exception(
    "resources.cpus and resources.memory need cgroups, which instances of an unprivileged user do not get on this host; run vse as root or remove the limits");
