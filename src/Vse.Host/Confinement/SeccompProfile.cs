namespace Vse.Host.Confinement;

/// <summary>
/// The one syscall profile of vse: applied to every build step (bubblewrap's <c>--seccomp</c>) and
/// every sandbox instance (runc's <c>linux.seccomp</c>, the bulk launcher's <c>--seccomp</c>). Modelled
/// on Docker's default profile, written the other way round: everything is allowed except what
/// Docker's profile refuses to a container without extra capabilities, so a program that makes a
/// syscall newer than this list still runs. What it refuses reaches past the sandbox's namespaces
/// (mounts, namespaces, the kernel's keyring, modules, clock, BPF) or has been the way in for
/// kernel exploits (io_uring, userfaultfd, perf). Syscalls of another ABI than the native one
/// (i386 through <c>int 0x80</c>, x32) kill the process: the rules are written for the native
/// numbers only. docs/security.md lists the rules and why.
/// </summary>
/// <remarks>
/// <c>ptrace</c> stays allowed, as in Docker on kernels from 4.8 on (a tracer can no longer skip
/// the tracee's filter): debuggers and <c>strace</c> work, and without <c>CAP_SYS_PTRACE</c> a
/// process traces only processes of its own user in its own pid namespace. NUMA calls (mbind,
/// set_mempolicy, move_pages) stay allowed too, unlike Docker without <c>CAP_SYS_NICE</c>: HPC
/// codes place their memory, and moving another process's pages needs that capability anyway.
/// </remarks>
public static class SeccompProfile
{
    public const int EPERM = 1;

    /// <summary>What <c>clone3</c> fails with: glibc then falls back to <c>clone</c>, whose flags the filter can read (it cannot read clone3's, which are in memory).</summary>
    public const int ENOSYS = 38;

    /// <summary>The namespace flags of <c>clone</c> (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET).</summary>
    private static readonly ulong[] NamespaceFlags = [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000];

    /// <summary>
    /// The personality flags Docker's profile keeps out (it allows only PER_LINUX, PER_LINUX32,
    /// UNAME26 and the query): ADDR_NO_RANDOMIZE, FDPIC_FUNCPTRS, MMAP_PAGE_ZERO, ADDR_COMPAT_LAYOUT,
    /// READ_IMPLIES_EXEC, ADDR_LIMIT_32BIT, SHORT_INODE, WHOLE_SECONDS, STICKY_TIMEOUTS, ADDR_LIMIT_3GB.
    /// </summary>
    private static readonly ulong[] PersonalityFlags = [0x0040000, 0x0080000, 0x0100000, 0x0200000, 0x0400000, 0x0800000, 0x1000000, 0x2000000, 0x4000000, 0x8000000];

    /// <summary>Bit 31 of personality's argument: set only in the query value 0xffffffff.</summary>
    private const ulong PersonalityQueryBit = 0x80000000;

    public static IReadOnlyList<SeccompRule> Rules { get; } = BuildRules();

    /// <summary>Every syscall name the profile mentions, each once, in order.</summary>
    public static IReadOnlyList<string> Names => [.. Rules.SelectMany(r => r.Names).Distinct(StringComparer.Ordinal)];

    private static List<SeccompRule> BuildRules()
    {
        List<SeccompRule> rules =
        [
            Refuse("a mount would undo read-only and masked paths, or reach a host file system (cgroup v1 release_agent)",
                "mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr"),
            Refuse("new namespaces (a user namespace gives back every capability inside it, and with it mount) or joining others",
                "unshare", "setns"),
            new(["clone3"], ENOSYS, [], "its flags are in memory the filter cannot read: ENOSYS makes glibc fall back to clone, whose flags it can"),
            Refuse("the kernel's keyrings are not namespaced", "keyctl", "add_key", "request_key"),
            Refuse("loading code into the kernel, or reading kernel state: BPF programs, performance counters, modules, kexec",
                "bpf", "perf_event_open", "init_module", "finit_module", "delete_module", "create_module", "get_kernel_syms", "query_module", "kexec_load", "kexec_file_load", "lookup_dcookie"),
            Refuse("file handles bypass the mount namespace: open_by_handle_at opened host files from a container (\"shocker\")",
                "open_by_handle_at", "name_to_handle_at"),
            Refuse("the host's clock is not namespaced", "settimeofday", "stime", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64"),
            Refuse("whole-machine switches: reboot, swap, process accounting, quotas, the kernel log",
                "reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog"),
            Refuse("direct hardware port access", "iopl", "ioperm"),
            Refuse("frequent ways in for kernel exploits, refused by Docker's default profile too",
                "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register"),
            Refuse("obsolete calls no program needs", "uselib", "vm86", "vm86old", "nfsservctl", "_sysctl", "sysfs", "ustat"),
        ];
        rules.AddRange(NamespaceFlags.Select(flag => new SeccompRule(
            ["clone"], EPERM, [SeccompCondition.HasBits(0, flag)], "a new namespace through clone, as through unshare")));
        // personality: a refused flag alone, then any value with the query bit that is not the
        // query itself (bit 31 set and another bit clear), since the kernel applies every value
        // but 0xffffffff. One comparison per rule: runc would split several into alternatives.
        rules.AddRange(PersonalityFlags.Select(flag => new SeccompRule(
            ["personality"], EPERM, [new SeccompCondition(0, SeccompOperator.MaskedEqual, flag | PersonalityQueryBit, flag)],
            "flags that weaken the process's address space (no ASLR, executable data, page zero)")));
        rules.AddRange(Enumerable.Range(0, 31).Select(bit => new SeccompRule(
            ["personality"], EPERM, [new SeccompCondition(0, SeccompOperator.MaskedEqual, PersonalityQueryBit | (1UL << bit), PersonalityQueryBit)],
            "a value with the query's bit 31 that is not the query, so the refused flags cannot ride on it")));
        return rules;
    }

    private static SeccompRule Refuse(string why, params string[] names) => new(names, EPERM, [], why);
}
