namespace Vse.Description.Model;

/// <summary>
/// The Linux capabilities by name without the <c>CAP_</c> prefix, as <c>security.capabilities</c>
/// and <c>policy.allow.capabilities</c> spell them; a name's index is its number
/// (linux/capability.h, through CAP_CHECKPOINT_RESTORE = 40, Linux 5.9).
/// </summary>
public static class LinuxCapabilities
{
    private static readonly string[] ByNumber =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    public static IReadOnlyList<string> Names => ByNumber;

    /// <summary>The capability's number (its bit in <c>CapEff</c>), or -1 for a name that is none.</summary>
    public static int NumberOf(string name) => Array.IndexOf(ByNumber, name);
}
