namespace Vse.Build.Confinement;

/// <summary>
/// The capabilities a build step keeps (it runs as the host's real root, so it has all of them
/// until bubblewrap drops the rest). Docker's default set for containers, less
/// <c>CAP_MKNOD</c> (no device cgroup guards a build step: a device node of a host disk would
/// open it) and <c>CAP_NET_RAW</c> (a packages step shares the host's network). What dpkg and its
/// maintainer scripts need is here: owners and modes (CHOWN, FOWNER, FSETID, DAC_OVERRIDE), file
/// capabilities (SETFCAP, e.g. ping's), apt dropping to its <c>_apt</c> user (SETUID, SETGID),
/// chroot, signalling its own processes.
/// </summary>
public static class BuildStepCapabilities
{
    public static IReadOnlyList<string> Kept { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_SETFCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE",
    ];
}
