/*
 * vse-launch: the bulk launch path for vse instances.
 *
 * One process creates many instances. An OCI runtime costs ~25 ms of CPU per
 * instance (runc re-execs itself several times, parses JSON, copies the
 * launcher's mount table); here each instance costs one clone() plus the
 * syscalls its own confinement needs, and children set themselves up in
 * parallel while the launcher clones the next one. What an instance gets is
 * what OciSpecBuilder asks runc for (see README.md next to this file).
 *
 *   vse-launch [--bind SRC:DST]... [--bind-rw SRC:DST]... [--cgroup-root DIR]... [--cgroup-join DIR]... [--env K=V]... [--fabric-userns USERNS] [--fabric NETNS [--mtu N] | --netns NETNS] [--seccomp FILE] [--cap N]... [--device SRC:DST]... [--sysfs-netns FILE] [--hold] [--userns] (--init | -- ARGV...)
 *     stdin:  ID\tHOSTNAME\tLOWERDIR\tSTATEDIR      one instance per line
 *             ...\tADDRESS/PREFIX\tBRIDGE\tPEERNAME  (--fabric) plus its network attachment
 *   --mtu N (with --fabric): both ends of every instance's veth pair get MTU N (68-65535), else the kernel's 1500
 *   --fabric-userns (before --fabric, with --userns): a rootless fabric's user namespace, which the
 *             launcher joins for good; instances are then made in it, with no user namespace of their own
 *             start ID                             (--hold) release a held instance
 *     stdout: ID\tPID | ID\tstarted | ID\terror\tMESSAGE   (flushed per line)
 *   vse-launch exec PID [--env K=V]... [--cwd DIR] [--seccomp FILE] -- ARGV...
 *   vse-launch [launch options] --once LINE [--cwd DIR] [--discard RECORD] [--failure-exit N] -- ARGV...
 *     one instance (LINE as on stdin) whose first process is ARGV, with the launcher's own stdio;
 *     its PID in STATEDIR/init.pid before ARGV runs; exit code ARGV's (vse run, like runc run)
 *     --discard RECORD: when the launcher exits, however, it removes what the run left (the
 *       instance's cgroups, STATEDIR, then the file RECORD and RECORD's directory once empty):
 *       what `vse run` has it do when vse replaced itself with the launcher (exec)
 *     --failure-exit N: the launcher's own failures exit N, not 125 (vse's exit code for them)
 *
 * --netns NETNS (not with --fabric): every instance is made in the network namespace NETNS (a file such as
 * /run/netns/NAME, joined by the launcher for good) instead of a new one of its own: the instances of a
 * deployment with network.loopback: shared share its loopback, and the kernel makes and releases no
 * namespace per instance (releasing one visits every other one alive). Rootless, NETNS is owned by a
 * user namespace of the user's own, joined first (--fabric-userns), in which the instances are made.
 *
 * --sysfs-netns FILE (root; not with --fabric or --userns): every instance gets a clone of one sysfs made in the empty
 * network namespace bound at FILE (made if need be), instead of a new sysfs each (shared_sysfs).
 *
 * --cap N adds capability N to the default set (a description's security.capabilities, which
 * site policy allowed); without --seccomp an instance runs with no syscall filter (security.seccomp:
 * unconfined). exec confines a command as the instance's init is: its bounding set, and its
 * filter when it has one. --device SRC:DST gives every instance the host's device node SRC at DST
 * (under /dev): made with mknod (bound from the host in a user namespace) and allowed in the
 * devices hierarchy when one is among the cgroup roots (v1); see README.md for cgroup v2.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "cidr.h"
#include "netlink-request.h"

extern char **environ;

/* Docker's default set, as OciSpecBuilder.DefaultCapabilities. */
static uint64_t keep_caps =
    1ULL << CAP_AUDIT_WRITE | 1ULL << CAP_CHOWN | 1ULL << CAP_DAC_OVERRIDE | 1ULL << CAP_FOWNER |
    1ULL << CAP_FSETID | 1ULL << CAP_KILL | 1ULL << CAP_MKNOD | 1ULL << CAP_NET_BIND_SERVICE |
    1ULL << CAP_NET_RAW | 1ULL << CAP_SETFCAP | 1ULL << CAP_SETGID | 1ULL << CAP_SETPCAP |
    1ULL << CAP_SETUID | 1ULL << CAP_SYS_CHROOT;

/* CAP_MKNOD is safe only under a devices cgroup (v1) that allows no disk: without one (cgroup v2,
 * where runc loads a BPF device filter this launcher does not have, or no cgroup at all) an
 * instance's root could make a host disk's node in /dev and open it. Dropped then. */
static void without_device_cgroup(void) { keep_caps &= ~(1ULL << CAP_MKNOD); }

/* --cap N: a capability number this kernel's headers know, else -1. */
static int cap_number(const char *v) {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    return errno || end == v || *end || n < 0 || n > CAP_LAST_CAP ? -1 : (int)n;
}

/* --mtu N: an MTU a veth takes (68, IPv4's least, to 65535, veth's and the bridge's max_mtu), else 0. */
static unsigned mtu_value(const char *v) {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    return errno || end == v || *end || n < 68 || n > 65535 ? 0 : (unsigned)n;
}

static const char *const MASKED[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware", "/proc/scsi"};
static const char *const READONLY[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
static const struct { const char *name; int major, minor; } DEVICES[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
/* runc 1.1 appends these to the spec's "deny all" (libcontainer/specconv AllowedDevices). */
static const char *const DEVICE_RULES[] = {"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
    "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Child -> launcher report. 64 bytes < PIPE_BUF, so a write is atomic and never split. */
enum { MSG_ERROR = 1, MSG_READY, MSG_EXEC };
struct msg { int kind, err; char step[56]; };

enum { SETUP, HELD, STARTING, DONE };
struct inst {
    char id[65];
    pid_t pid;
    int go;   /* write end: one byte = "you are in your cgroups", a second = "exec now" */
    int rep;  /* read end: struct msg reports, EOF when the child execs (CLOEXEC) or dies */
    int state, start_wanted, exec_seen, abandoned, reaped;
};

static struct {
    char **bind_src, **bind_dst, **cgroots, **cgjoins, **env, **argv;
    int nbind, ncg, ncgjoin, nenv, hold;
    int *bind_rw;
    struct stat *bind_id;  /* what each bind source was when the launcher pinned it (pin_binds) */
    char **dev_src, **dev_dst;  /* --device: host node, path in the instance's /dev */
    int ndev;
    struct stat *dev_st;   /* each host node as stat'ed at start (pin_devices): type, numbers, mode, owner */
    int userns;  /* --userns: each instance gets its own user namespace, the launcher's user root in it (rootless) */
    int fabric;  /* --fabric: fd of the deployment's fabric netns (the launcher lives in it), else -1 */
    unsigned mtu;  /* --mtu: both ends of each veth pair (a private network on one host: vse's PrivateNetwork), else 0: the kernel's */
    int joined;  /* --fabric-userns: the launcher lives in the rootless fabric's user namespace; instances share it */
    int shared_net;  /* --netns: the launcher lives in that network namespace; instances share it (no CLONE_NEWNET) */
    int init;    /* --init: fd of the sealed in-memory copy of this program every instance execs as its init, else -1 */
    char *once;  /* --once LINE: the one instance, run in the foreground (cmd_once) */
    int once_stdout;  /* --once: the caller's stdout, kept for the instance (the launcher's own goes to stderr) */
    char *cwd;   /* --once --cwd: ARGV's working directory in the instance */
    struct sock_fprog filter;  /* --seccomp: the BPF program vse compiled (SeccompProfile), read once; len 0 = none */
    int sysfs;   /* --sysfs-netns: one detached sysfs every instance gets a clone of (shared_sysfs), else -1 */
    int jail;    /* the launch's mount namespace template (jail_template): instances chroot into their root there, else -1 */
} opt = {.fabric = -1, .init = -1, .once_stdout = -1, .sysfs = -1, .jail = -1};

/* An instance's attachment to the fabric (--fabric), as parsed and checked by the launcher. */
struct attach {
    char peer[16];      /* the veth end in the fabric */
    struct in_addr addr;
    int prefix;
    unsigned bridge;    /* ifindex of its bridge in the fabric */
    int sock;           /* rtnetlink socket bound to the fabric (made by the launcher, which lives there) */
};
static char *no_env[] = {NULL};
/* The launcher's own failure before any instance: 2 (usage), but 125 with --once, whose other exit codes are the command's. */
static int own_failure = 2;
static char once_error[128];  /* --once: why the instance failed (finish), said by cmd_once */
static const char *once_discard;  /* --once --discard RECORD: what discard_once removes at exit */
static char once_line[8192];  /* --once LINE as given (launch splits opt.once in place) */
static pid_t launcher_pid;  /* discard_once runs in the launcher only, never in a clone that exits */
static int once_given;  /* --once is among the options: --discard and --failure-exit are allowed */
static struct inst *insts;
static int ninst, cap_inst, pending, any_error, stdin_closed_seen, epfd = -1;

static char **push(char **v, int *n, char *s) {
    v = realloc(v, sizeof(char *) * (*n + 2));
    if (!v) { perror("realloc"); exit(2); }
    v[(*n)++] = s;
    v[*n] = NULL;  /* always NULL-terminated: env is handed to execve as is */
    return v;
}

static void usage(void) {
    fputs("usage: vse-launch [--bind SRC:DST]... [--bind-rw SRC:DST]... [--cgroup-root DIR]... [--cgroup-join DIR]... [--env K=V]... [--fabric-userns USERNS] [--fabric NETNS [--mtu N] | --netns NETNS] [--seccomp FILE] [--cap N]... [--device SRC:DST]... [--sysfs-netns FILE] [--hold] [--userns] (--init | -- ARGV...)\n"
          "       vse-launch [launch options] --once LINE [--cwd DIR] -- ARGV...\n"
          "       vse-launch exec PID [--env K=V]... [--cwd DIR] [--seccomp FILE] -- ARGV...\n", stderr);
    exit(own_failure);
}

/* --seccomp FILE: a classic BPF program as the kernel takes it (struct sock_filter[]), read whole
 * into opt.filter once, before any instance; each instance loads it last before exec. Returns 0, or
 * -1 with errno (EINVAL: not whole instructions, empty, or longer than the kernel accepts). */
static int read_filter(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return -1;
    if (fstat(fd, &st) < 0) { close(fd); return -1; }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
        st.st_size > BPF_MAXINSNS * (off_t)sizeof(struct sock_filter)) { close(fd); errno = EINVAL; return -1; }
    struct sock_filter *program = malloc(st.st_size);
    if (!program) { close(fd); return -1; }
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = read(fd, (char *)program + done, st.st_size - done);
        if (n <= 0) { if (n == 0) errno = EIO; if (errno == EINTR) continue; free(program); close(fd); return -1; }
        done += n;
    }
    close(fd);
    opt.filter.filter = program;
    opt.filter.len = st.st_size / sizeof(struct sock_filter);
    return 0;
}

/* Names become directory names (cgroups) and hostnames: keep them boring. */
static int valid_name(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !strcmp(s, ".") || !strcmp(s, "..")) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-')) return 0;
    return 1;
}

/* Interface names: IFNAMSIZ, and nothing ip(8) or a shell would read differently. */
static int valid_ifname(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n >= IFNAMSIZ) return 0;
    return valid_name(s);
}

/* Overlay options are comma/colon separated and have no escaping we want to rely on. */
static int valid_path(const char *s) {
    return s[0] == '/' && strlen(s) < 3000 && !strpbrk(s, ",:\\");
}

/* A device's path in the instance: under /dev, no empty, "." or ".." segment (it is made on the
 * instance's fresh /dev tmpfs, where nothing else can lead it elsewhere). */
static int valid_dev_path(const char *s) {
    if (strncmp(s, "/dev/", 5) || strlen(s) >= 256) return 0;
    for (const char *p = s + 4; *p; ) {
        p++;  /* past '/' */
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
        p += n;
    }
    return 1;
}

/* ---------------------------------------------------------------- child */

static int rep_fd = -1;

/* In an instance: report to the launcher. In exec's child (rep_fd < 0): say it on stderr. */
static __attribute__((noreturn)) void die(const char *step) {
    struct msg m = {MSG_ERROR, errno, ""};
    snprintf(m.step, sizeof m.step, "%s", step);
    if (rep_fd < 0) fprintf(stderr, "vse-launch: %s: %s\n", step, strerror(m.err));
    else if (write(rep_fd, &m, sizeof m) < 0) _exit(125);
    _exit(125);
}
#define TRY(expr, step) do { if ((expr) < 0) die(step); } while (0)

static void report(int kind) {
    struct msg m = {kind, 0, ""};
    if (write(rep_fd, &m, sizeof m) != sizeof m) die("report");
}

static int mkdir_p(const char *path, mode_t mode) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') { *p = 0; if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1; *p = '/'; }
    return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/* A bind target with the image's symlinks followed, as runc resolves one (securejoin): called
 * after pivot_root, so every link, absolute or climbing with .., stays inside the instance's
 * root. Components that do not exist are kept as written, for mkdir_p to create; without this
 * a target that is (or passes through) a link in the image could not be mounted at all. */
static int resolve_target(const char *path, char *out, size_t size) {
    char rest[4096], link[4096], next[8192];
    snprintf(rest, sizeof rest, "%s", path);
    out[0] = 0;  /* the resolved prefix; "" is the root */
    for (int hops = 0;;) {
        char *p = rest;
        while (*p == '/') p++;
        if (!*p) break;
        size_t n = strcspn(p, "/"), len = strlen(out);
        char component[256];
        if (n >= sizeof component || len + n + 2 > size) return errno = ENAMETOOLONG, -1;
        memcpy(component, p, n);
        component[n] = 0;
        memmove(rest, p + n, strlen(p + n) + 1);
        if (!strcmp(component, ".")) continue;
        if (!strcmp(component, "..")) { *(strrchr(out, '/') ? strrchr(out, '/') : out) = 0; continue; }
        snprintf(out + len, size - len, "/%s", component);
        ssize_t l = readlink(out, link, sizeof link - 1);
        if (l < 0) {
            if (errno == EINVAL || errno == ENOENT) continue;  /* not a link, or missing: as written */
            return -1;
        }
        if (++hops > 40) return errno = ELOOP, -1;
        link[l] = 0;
        out[link[0] == '/' ? 0 : len] = 0;  /* an absolute link restarts at the root */
        if ((size_t)snprintf(next, sizeof next, "%s/%s", link, rest) >= sizeof rest) return errno = ENAMETOOLONG, -1;
        memcpy(rest, next, strlen(next) + 1);
    }
    if (!out[0]) snprintf(out, size, "/");
    return 0;
}

/* Bounding set, capabilities, no_new_privs, rlimits: what runc's init does last. Inheritable
 * stays empty like runc's (OciCapabilities has no Inheritable; CVE-2022-24769). */
static void drop_privileges(void) {
    /* In a user namespace of an unprivileged launcher setgroups is denied (a single-id map needs
     * that), and the only group there is the user's own. */
    if (!opt.userns) TRY(setgroups(0, NULL), "setgroups");
    for (int c = 0; c <= 63; c++)
        if (!(keep_caps & 1ULL << c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
            if (errno == EINVAL) break;  /* past the kernel's last capability */
            die("capbset_drop");
        }
    TRY(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "ambient");
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {{(uint32_t)keep_caps, (uint32_t)keep_caps, 0},
                                          {(uint32_t)(keep_caps >> 32), (uint32_t)(keep_caps >> 32), 0}};
    TRY(syscall(SYS_capset, &h, d), "capset");
    TRY(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs");
    struct rlimit rl = {1024, 1024};
    TRY(setrlimit(RLIMIT_NOFILE, &rl), "rlimit_nofile");
    /* Last: from here on mount, unshare, keyctl... fail. What still runs before exec (report,
     * read, fexecve/execve) is allowed by the profile. no_new_privs (above) lets us load it
     * without CAP_SYS_ADMIN, which is already gone. */
    if (opt.filter.len) TRY(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &opt.filter), "seccomp");
}

/* ------------------------------------------------------------- rtnetlink
 * Every socket belongs to one child (netlink-request.h: one request at a time, each acknowledged). */

/* Plugs the instance (already in its own, new netns) into the fabric, as VethAttacher's ip batches:
 * eth0 here, its peer created directly in the fabric (IFLA_NET_NS_FD: no move between namespaces),
 * peer on its bridge and up, then eth0 with its address and up. The peer goes up while eth0 is
 * still down (no carrier yet), and eth0's address generation is off before it comes up: with the
 * kernel applying IFLA_AF_SPEC after the flags of the same request, no IPv6 link-local address
 * is ever generated on either end (bulk-launch.md: multicast floods every port otherwise). */
static void attach_network(const struct attach *net) {
    int own = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);  /* bound to our new netns */
    TRY(own, "netlink socket");
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
    struct nlreq r;
    nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
    nl_str(&r, IFLA_IFNAME, "eth0");
    if (opt.mtu) nl_u32(&r, IFLA_MTU, opt.mtu);
    struct rtattr *info = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
    nl_str(&r, IFLA_INFO_KIND, "veth");
    struct rtattr *data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0);
    struct rtattr *peer = nl_attr(&r, VETH_INFO_PEER, &ifi, sizeof ifi);
    nl_str(&r, IFLA_IFNAME, net->peer);
    if (opt.mtu) nl_u32(&r, IFLA_MTU, opt.mtu);  /* each end its own: a bridge drops frames larger than the egress port's */
    nl_u32(&r, IFLA_NET_NS_FD, opt.fabric);
    nl_end(&r, peer);
    nl_end(&r, data);
    nl_end(&r, info);
    TRY(nl_talk(own, &r), "veth eth0/peer");
    TRY(nl_setlink(net->sock, net->peer, net->bridge, 1), "fabric peer master up");
    close(net->sock);

    TRY(nl_setlink(own, "eth0", 0, 0), "eth0 addrgenmode");
    unsigned eth0 = if_nametoindex("eth0");
    if (!eth0) die("eth0 index");
    struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = net->prefix, .ifa_index = eth0};
    nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
    nl_attr(&r, IFA_LOCAL, &net->addr, sizeof net->addr);
    nl_attr(&r, IFA_ADDRESS, &net->addr, sizeof net->addr);
    TRY(nl_talk(own, &r), "eth0 address");
    struct ifinfomsg up = {.ifi_family = AF_UNSPEC, .ifi_index = eth0, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
    nl_init(&r, RTM_NEWLINK, 0, &up, sizeof up);
    TRY(nl_talk(own, &r), "eth0 up");
    close(own);
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long fl, const char *data) {
    if (mkdir_p(dst, 0755) < 0) die(dst);
    if (mount(src, dst, type, fl, data) < 0) die(dst);
}

/* Closes every fd from 3 up except the n in keep (negative ones ignored). */
static void close_except(int *keep, int n) {
    for (int i = 1; i < n; i++)  /* tiny insertion sort */
        for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) { int t = keep[j]; keep[j] = keep[j - 1]; keep[j - 1] = t; }
    unsigned from = 3;
    for (int i = 0; i < n; i++) {
        if (keep[i] < (int)from) continue;
        if (keep[i] > (int)from) close_range(from, keep[i] - 1, 0);
        from = keep[i] + 1;
    }
    close_range(from, ~0U, 0);
}

/* A new file system as a detached mount, attached later (move_mount): OPTIONS are KEY, VALUE pairs
 * ending with NULL, set as strings before it is created. Returns the mount's fd, or -1 with errno. */
static int new_fs_with(const char *type, const char *const *options, unsigned attrs) {
    int fs = fsopen(type, FSOPEN_CLOEXEC), m = -1;
    if (fs < 0) return -1;
    while (*options && fsconfig(fs, FSCONFIG_SET_STRING, options[0], options[1], 0) == 0) options += 2;
    if (!*options && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0) m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
    int e = errno;  /* the failure's, not close's */
    close(fs);
    errno = e;
    return m;
}

/* A new proc or sysfs, made now but attached later (move_mount after pivot_root, where targets
 * resolve inside the root). Made while the host's /proc and /sys are still in our mount namespace:
 * in a user namespace the kernel gives a new one only where a fully visible one is (mount_too_revealing). */
static int new_fs(const char *type, unsigned attrs) {
    static const char *const none[] = {NULL};
    return new_fs_with(type, none, attrs);
}

#define SYSFS_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV)

/* Only lo in the network namespace we are in (nothing a shared sysfs would show besides). */
static int only_lo(void) {
    struct if_nameindex *ifs = if_nameindex();
    if (!ifs) return 0;
    int n = 0, lo = 0;
    for (struct if_nameindex *i = ifs; i->if_index; i++, n++) lo |= !strcmp(i->if_name, "lo");
    if_freenameindex(ifs);
    return n == 1 && lo;
}

/* Joins the namespace of type NSTYPE at PATH for good: its fd (--fabric keeps it), or -1 after saying why. */
static int join_namespace(const char *path, int nstype, const char *what) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && setns(fd, nstype) == 0) return fd;
    int e = errno;
    if (fd >= 0) close(fd);
    fprintf(stderr, "vse-launch: %s %s: %s\n", what, path, strerror(e));
    return -1;
}

/* --sysfs-netns FILE: instances without a network (only their own lo) all get a clone of one
 * sysfs, made here once in the empty network namespace bound at FILE (made and bound now if FILE
 * is not one yet, as `ip netns add`): what such an instance sees of /sys/class/net, lo only, is
 * the same in every namespace with nothing but lo. FILE must stay bound while instances use the
 * sysfs: its namespace's lo goes with the namespace, which the superblock does not keep alive.
 * Returns the detached sysfs, or -1 when this cannot be (the kernel clones a detached mount only
 * since 6.15; FILE holds a namespace with other links): instances then get a sysfs each. */
static int shared_sysfs(const char *file) {
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), sys = -1, in_empty = 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    if (strrchr(dir, '/')) *strrchr(dir, '/') = 0;
    if (self < 0 || mkdir_p(dir, 0755) < 0) goto out;
    /* Two launchers at once: one makes and binds FILE, the other then finds it bound. */
    int lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0 || flock(lock, LOCK_EX) < 0) { if (lock >= 0) close(lock); goto out; }
    int ns = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (ns >= 0 && setns(ns, CLONE_NEWNET) == 0) in_empty = 1;
    else if ((ns >= 0 || errno == ENOENT) && unshare(CLONE_NEWNET) == 0) {
        /* Not a namespace yet (absent, or an empty file a killed launcher left): bind ours there. */
        in_empty = 1;
        int f = open(file, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
        if (f < 0 || mount("/proc/self/ns/net", file, NULL, MS_BIND, NULL) < 0) in_empty = 0;
        if (f >= 0) close(f);
    }
    if (ns >= 0) close(ns);
    close(lock);  /* releases the flock */
    if (in_empty && only_lo()) {
        /* lo up, as every instance's own: its /sys/class/net/lo says what theirs would. */
        int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = {0};
        strcpy(ifr.ifr_name, "lo");
        if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags |= IFF_UP) && ioctl(s, SIOCSIFFLAGS, &ifr) == 0)
            sys = new_fs("sysfs", SYSFS_ATTRS);
        if (s >= 0) close(s);
    }
out:
    if (self >= 0 && setns(self, CLONE_NEWNET) < 0) { perror("vse-launch: back to own network namespace"); exit(own_failure); }
    if (self >= 0) close(self);
    if (sys >= 0) {
        int probe = open_tree(sys, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (probe < 0) { close(sys); return -1; }  /* kernel < 6.15: no clone of a detached mount */
        close(probe);
    }
    return sys;
}

/* One mount namespace per launch whose root is an empty read-only tmpfs with one directory, /root,
 * made with the launch's one pivot_root: every instance of a root launch whose syscall filter
 * refuses new user namespaces gets a copy of it (setns, then unshare: nothing of the host's table in
 * it), attaches its overlay on /root and chroots there, instead of a pivot_root of its own.
 * pivot_root walks every task on the host (chroot_fs_refs), so N instances cost O(N^2); this is
 * O(1) each. What a chroot leaves behind, the namespace's root, is this empty tmpfs: an instance
 * that escapes its chroot (CAP_SYS_CHROOT) finds nothing of the host there (docs/security.md).
 * Made in a child, so the launcher's own root and namespaces are never touched; returns the
 * namespace's fd (it lives as long as the fd), or -1 with errno. */
static int jail_template(void) {
    int ready[2], ns = -1;
    unsigned char err = 0;
    if (pipe2(ready, O_CLOEXEC) < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) { close(ready[0]); close(ready[1]); return -1; }
    if (pid == 0) {
        static const char *const empty[] = {"mode", "555", "nr_inodes", "8", NULL};
        int m = -1;
        /* a launcher killed before it took the namespace takes this holder with it */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1) _exit(1);
        /* private first: the pivot and the detach below must not propagate to the host's table */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            (m = new_fs_with("tmpfs", empty, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) < 0 ||
            mkdirat(m, "root", 0555) < 0 ||
            /* any directory will do as the place to pivot from: this copy of the table is ours alone */
            move_mount(m, "", AT_FDCWD, "/proc", MOVE_MOUNT_F_EMPTY_PATH) < 0 || chdir("/proc") < 0 ||
            syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0 ||
            mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            err = errno ? errno : EIO;
        if (write(ready[1], &err, 1) != 1 || err) _exit(1);
        for (;;) pause();  /* holds the namespace until the launcher has its fd */
    }
    close(ready[1]);
    if (read(ready[0], &err, 1) != 1) err = EIO;
    if (!err) {
        char p[64];
        snprintf(p, sizeof p, "/proc/%d/ns/mnt", pid);
        if ((ns = open(p, O_RDONLY | O_CLOEXEC)) < 0) err = errno;
    }
    close(ready[0]);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    errno = err;
    return ns;
}

/* The instance's overlay as a detached mount, its directories resolved now (in the host's table). */
static int overlay_tree(const char *lower, const char *state) {
    char upper[4200], work[4200];
    snprintf(upper, sizeof upper, "%s/upper", state);
    snprintf(work, sizeof work, "%s/work", state);
    /* source "overlay": what mount(8) and the pivot path's mount(2) show in mountinfo */
    const char *const options[] = {"source", "overlay", "lowerdir", lower, "upperdir", upper, "workdir", work, NULL};
    return new_fs_with("overlay", options, MOUNT_ATTR_NODEV);  /* nodev: as root_by_pivot's, for the same reason */
}

static void attach(int tree, const char *dst) {
    if (mkdir_p(dst, 0755) < 0) die(dst);
    TRY(move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH), dst);
    close(tree);
}

/* What runc and vse-agent give a command: every signal at its default, none blocked. The
 * launcher ignores SIGPIPE for itself (and vse's runtime may have handed it more ignored
 * signals or a mask through execve); an ignored disposition survives exec, so without this a
 * `yes | head -1` in an instance would end on EPIPE instead of SIGPIPE. */
static void default_signals(void) {
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The instance's root, the way every instance got it before templates: the overlay mounted in its
 * own copy of the host's table, pivot_root into it, the old root detached. */
static void root_by_pivot(const char *lower, const char *state) {
    char path[4096], opts[8192];
    snprintf(path, sizeof path, "%s/rootfs", state);
    /* userxattr: overlayfs in a user namespace keeps its metadata in user.* xattrs. volatile
     * (--once): the upper directory is deleted when the command ends and never mounted again, so the
     * unmount at the instance's exit need not sync the host file system that holds it first. */
    snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s/upper,workdir=%s/work%s%s", lower, state, state,
             opt.userns ? ",userxattr" : "", opt.once ? ",volatile" : "");
    /* Made here, not by vse: only this path needs a mount point in the state directory (a
     * template's instance attaches its overlay on the template's /root), and a bulk deploy's
     * directories are ext4 inodes allocated and freed per instance. */
    if (mkdir(path, 0755) < 0 && errno != EEXIST) die("mkdir rootfs");
    /* nodev: device nodes the image carries open nothing (the instance's are on its own /dev
     * tmpfs); without a devices cgroup (cgroup v2) nothing else would stop an open of dev/mem. */
    TRY(mount("overlay", path, "overlay", MS_NODEV, opts), "mount overlay");
    TRY(chdir(path), "chdir rootfs");
    /* pivot_root(".", ".") stacks the old root on the new one; detaching it leaves no host path
     * reachable, so every later path (and symlink planted in upper) resolves inside the root. */
    TRY(syscall(SYS_pivot_root, ".", "."), "pivot_root");
    TRY(mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL), "old root slave");
    TRY(umount2(".", MNT_DETACH), "detach old root");
}

/* The instance's root in a copy of the launch's template (jail_template): its overlay on the
 * template's /root and a chroot there; the namespace holds nothing of the host's, so every later
 * path (and symlink planted in upper) resolves inside the root as after a pivot_root. */
static void root_in_template(const char *lower, const char *state) {
    int root = overlay_tree(lower, state);
    TRY(root, "mount overlay");
    TRY(setns(opt.jail, CLONE_NEWNS), "enter template");  /* root and cwd: its empty tmpfs */
    close(opt.jail);
    TRY(unshare(CLONE_NEWNS), "unshare template");  /* a copy of our own: one mount */
    TRY(move_mount(root, "", AT_FDCWD, "/root", MOVE_MOUNT_F_EMPTY_PATH), "attach overlay");
    close(root);
    TRY(chdir("/root"), "chdir rootfs");
    TRY(chroot("."), "chroot");
}

static __attribute__((noreturn)) void child(const char *host, const char *lower, const char *state, int go,
                                            const struct attach *net) {
    char path[4096], opts[8192], c;
    /* The caller reads our stdout to EOF: no instance may keep it, nor any sibling's pipe. */
    int keep[] = {go, rep_fd, opt.fabric, net ? net->sock : -1, opt.init, opt.once_stdout, opt.sysfs, opt.jail};
    close_except(keep, N(keep));
    if (opt.once_stdout >= 0) {
        /* --once: the caller's stdin, stdout and stderr are the command's, as runc run gives them. */
        TRY(dup2(opt.once_stdout, 1), "dup2");
        close(opt.once_stdout);
    } else {
        snprintf(path, sizeof path, "%s/init.log", state);
        int log = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0640);
        int null = open("/dev/null", O_RDONLY);
        TRY(log, "open init.log");
        TRY(null, "open /dev/null");
        TRY(dup2(null, 0), "dup2"); TRY(dup2(log, 1), "dup2"); TRY(dup2(log, 2), "dup2");
        close(null); close(log);
    }

    /* Nothing below may allocate before we are in our cgroups: v1 memcg does not move charges. */
    if (read(go, &c, 1) != 1) _exit(1);
    TRY(unshare(CLONE_NEWCGROUP), "unshare cgroup");  /* rooted at the cgroup just placed in */
    TRY(setsid(), "setsid");
    /* A fresh anonymous session keyring, as runc: keys of the launcher's session stay out. */
    TRY(syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL), "keyring");
    TRY(sethostname(host, strlen(host)), "sethostname");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    TRY(s, "socket");
    TRY(ioctl(s, SIOCGIFFLAGS, &ifr), "lo flags");
    ifr.ifr_flags |= IFF_UP;
    TRY(ioctl(s, SIOCSIFFLAGS, &ifr), "lo up");
    close(s);
    if (net) attach_network(net);
    if (opt.fabric >= 0) close(opt.fabric);

    /* Nothing we mount may propagate back into the host's table. With a template (opt.jail) we are
     * still in the host's mount namespace (cloned without CLONE_NEWNS): nothing is mounted before
     * the setns below, every tree until then is a detached one. */
    if (opt.jail < 0) TRY(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "make / private");
    /* Bind sources are host paths: clone them now as detached trees, attach after pivot_root. */
    int *trees = alloca(sizeof(int) * (opt.nbind + 1));
    for (int i = 0; i < opt.nbind; i++) {
        struct mount_attr ma = {.attr_set = (opt.bind_rw[i] ? 0 : MOUNT_ATTR_RDONLY) | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
        trees[i] = open_tree(AT_FDCWD, opt.bind_src[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        TRY(trees[i], opt.bind_src[i]);
        /* The tree's root must be the object pinned at start: a path swapped since (for a symlink
         * to /etc, say) would otherwise be followed here. */
        struct stat id;
        TRY(fstat(trees[i], &id), "fstat bind");
        if (id.st_dev != opt.bind_id[i].st_dev || id.st_ino != opt.bind_id[i].st_ino) {
            snprintf(path, sizeof path, "bind source %s changed after it was checked", opt.bind_src[i]);
            errno = ESTALE;
            die(path);
        }
        TRY(mount_setattr(trees[i], "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof ma), "bind attributes");
    }
    int proc = new_fs("proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
    TRY(proc, "new proc");
    /* A clone of the launch's shared sysfs costs no superblock; a new one is a linear scan of every
     * sysfs superblock on the host (one per network namespace) and one more for the next instance. */
    int sys = opt.sysfs >= 0 ? open_tree(opt.sysfs, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)
                             : new_fs("sysfs", SYSFS_ATTRS);
    TRY(sys, "new sysfs");
    if (opt.sysfs >= 0) close(opt.sysfs);
    /* No mknod in a user namespace: the host's nodes, bound (after pivot_root, onto empty files). */
    int nodes[N(DEVICES)];
    for (size_t i = 0; i < N(DEVICES); i++) {
        snprintf(path, sizeof path, "/dev/%s", DEVICES[i].name);
        nodes[i] = opt.userns ? open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC) : -1;
        if (opt.userns) TRY(nodes[i], path);
    }
    /* Granted devices likewise in a user namespace (no mknod there); the tree must be the node pinned at start. */
    int *granted = alloca(sizeof(int) * (opt.ndev + 1));
    for (int i = 0; i < opt.ndev; i++) {
        granted[i] = -1;
        if (!opt.userns) continue;
        struct stat id;
        granted[i] = open_tree(AT_FDCWD, opt.dev_src[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        TRY(granted[i], opt.dev_src[i]);
        TRY(fstat(granted[i], &id), "fstat device");
        if (id.st_rdev != opt.dev_st[i].st_rdev || (id.st_mode & S_IFMT) != (opt.dev_st[i].st_mode & S_IFMT)) {
            errno = ESTALE;
            die(opt.dev_src[i]);
        }
    }
    if (opt.jail >= 0) root_in_template(lower, state);
    else root_by_pivot(lower, state);
    TRY(chdir("/"), "chdir /");

    umask(0);
    attach(proc, "/proc");
    mnt("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
    for (size_t i = 0; i < N(DEVICES); i++) {
        snprintf(path, sizeof path, "/dev/%s", DEVICES[i].name);
        if (!opt.userns) { TRY(mknod(path, S_IFCHR | 0666, makedev(DEVICES[i].major, DEVICES[i].minor)), path); continue; }
        int f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        TRY(f, path);
        close(f);
        TRY(move_mount(nodes[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH), path);
        close(nodes[i]);
    }
    for (int i = 0; i < opt.ndev; i++) {
        snprintf(opts, sizeof opts, "%s", opt.dev_dst[i]);
        *strrchr(opts, '/') = 0;
        TRY(mkdir_p(opts, 0755), opt.dev_dst[i]);
        if (!opt.userns) {
            /* The host node's type, numbers, mode and owner, as runc makes linux.devices. */
            TRY(mknod(opt.dev_dst[i], (opt.dev_st[i].st_mode & S_IFMT) | (opt.dev_st[i].st_mode & 07777), opt.dev_st[i].st_rdev), opt.dev_dst[i]);
            TRY(chown(opt.dev_dst[i], opt.dev_st[i].st_uid, opt.dev_st[i].st_gid), opt.dev_dst[i]);
            continue;
        }
        int f = open(opt.dev_dst[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        TRY(f, opt.dev_dst[i]);
        close(f);
        TRY(move_mount(granted[i], "", AT_FDCWD, opt.dev_dst[i], MOVE_MOUNT_F_EMPTY_PATH), opt.dev_dst[i]);
        close(granted[i]);
    }
    /* gid 5 (tty) does not exist in a single-id user namespace. */
    mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, opt.userns ? "newinstance,ptmxmode=0666,mode=0620" : "newinstance,ptmxmode=0666,mode=0620,gid=5");
    mnt("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
    mnt("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    static const char *const links[][2] = {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
        {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"}, {"pts/ptmx", "/dev/ptmx"}};
    for (size_t i = 0; i < N(links); i++) TRY(symlink(links[i][0], links[i][1]), links[i][1]);
    attach(sys, "/sys");
    umask(022);
    for (int i = 0; i < opt.nbind; i++) {
        struct stat st;
        TRY(fstat(trees[i], &st), "fstat bind");
        char dst[4096];
        TRY(resolve_target(opt.bind_dst[i], dst, sizeof dst), opt.bind_dst[i]);
        if (S_ISDIR(st.st_mode)) TRY(mkdir_p(dst, 0755), dst);
        else {
            snprintf(path, sizeof path, "%s", dst);
            *strrchr(path, '/') = 0;
            if (path[0]) TRY(mkdir_p(path, 0755), dst);
            /* O_EXCL: opening an image file for writing would copy it up for nothing */
            int f = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (f < 0 && errno != EEXIST) die(dst);
            if (f >= 0) close(f);
        }
        TRY(move_mount(trees[i], "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH), dst);
        close(trees[i]);
    }
    /* Masked directories share one empty read-only tmpfs (the first is mounted, the others bind
     * it): every superblock costs the host a shrinker and its lists for the instance's life, and
     * up to four of them per instance added up at thousands of instances (docs/runtime.md, "Scale"). */
    const char *masked_dir = NULL;
    for (size_t i = 0; i < N(MASKED); i++) {
        struct stat st;
        if (stat(MASKED[i], &st) < 0) { if (errno == ENOENT) continue; die(MASKED[i]); }
        if (!S_ISDIR(st.st_mode)) TRY(mount("/dev/null", MASKED[i], NULL, MS_BIND, NULL), MASKED[i]);
        else if (masked_dir) TRY(mount(masked_dir, MASKED[i], NULL, MS_BIND, NULL), MASKED[i]);
        else { TRY(mount("tmpfs", MASKED[i], "tmpfs", MS_RDONLY, NULL), MASKED[i]); masked_dir = MASKED[i]; }
    }
    for (size_t i = 0; i < N(READONLY); i++) {
        if (mount(READONLY[i], READONLY[i], NULL, MS_BIND | MS_REC, NULL) < 0) {
            if (errno == ENOENT) continue;
            die(READONLY[i]);
        }
        TRY(mount(NULL, READONLY[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL), READONLY[i]);
    }
    if (opt.cwd && chdir(opt.cwd) < 0) die("cwd");
    drop_privileges();
    if (opt.hold) {
        report(MSG_READY);
        if (read(go, &c, 1) != 1) _exit(0);  /* launcher gone or gave up on us: never run */
    }
    report(MSG_EXEC);
    default_signals();
    if (opt.init >= 0) {
        /* A fresh image (no copy of the launcher's memory stays), with the instance's env in
         * /proc/1/environ, which vse's exec reads. */
        char *init_argv[] = {"vse-init", NULL};
        fexecve(opt.init, init_argv, opt.env);
        die("exec vse-init");
    }
    environ = opt.env;  /* execvp searches the instance's PATH, not ours */
    execvp(opt.argv[0], opt.argv);
    die("exec");
}

/* --------------------------------------------------------------- launcher */

static int write_file(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, s, strlen(s));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

static void remove_cgroups(const char *id) {
    char p[4096];
    for (int i = 0; i < opt.ncg; i++) { snprintf(p, sizeof p, "%s/%s", opt.cgroots[i], id); rmdir(p); }
}

/* --userns: the launcher's user (and group) is root in the instance's new user namespace, and no
 * one else is mapped: an unprivileged process may write exactly this map for its child (after
 * denying setgroups), no setuid helper needed. Written before the child does anything. */
static int map_ids(pid_t pid, char *err, size_t errlen) {
    char p[64], v[64];
    snprintf(p, sizeof p, "/proc/%d/setgroups", pid);
    if (write_file(p, "deny") < 0) goto fail;
    snprintf(p, sizeof p, "/proc/%d/uid_map", pid);
    snprintf(v, sizeof v, "0 %u 1\n", (unsigned)geteuid());
    if (write_file(p, v) < 0) goto fail;
    snprintf(p, sizeof p, "/proc/%d/gid_map", pid);
    snprintf(v, sizeof v, "0 %u 1\n", (unsigned)getegid());
    if (write_file(p, v) < 0) goto fail;
    return 0;
fail:
    snprintf(err, errlen, "%s: %s", p, strerror(errno));
    return -1;
}

/* mkdir DIR/ID in every hierarchy, devices rules as runc's, then the pid. */
static int place(pid_t pid, const char *id, char *err, size_t errlen) {
    char dir[4096], p[4200], v[32];
    for (int i = 0; i < opt.ncg; i++) {
        snprintf(dir, sizeof dir, "%s/%s", opt.cgroots[i], id);
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) goto fail;
        snprintf(p, sizeof p, "%s/devices.deny", dir);
        if (access(p, F_OK) == 0) {
            if (write_file(p, "a") < 0) goto fail;
            snprintf(p, sizeof p, "%s/devices.allow", dir);
            for (size_t r = 0; r < N(DEVICE_RULES); r++)
                if (write_file(p, DEVICE_RULES[r]) < 0) goto fail;
            for (int d = 0; d < opt.ndev; d++) {  /* the granted devices, and nothing more */
                snprintf(v, sizeof v, "%c %u:%u rwm", S_ISBLK(opt.dev_st[d].st_mode) ? 'b' : 'c',
                         major(opt.dev_st[d].st_rdev), minor(opt.dev_st[d].st_rdev));
                if (write_file(p, v) < 0) goto fail;
            }
        }
        snprintf(p, sizeof p, "%s/cgroup.procs", dir);
        snprintf(v, sizeof v, "%d", pid);
        if (write_file(p, v) < 0) goto fail;
    }
    /* --cgroup-join: a group all instances share, not one each (no mkdir, nothing to remove). */
    for (int i = 0; i < opt.ncgjoin; i++) {
        snprintf(dir, sizeof dir, "%s", opt.cgjoins[i]);
        snprintf(p, sizeof p, "%s/cgroup.procs", dir);
        snprintf(v, sizeof v, "%d", pid);
        if (write_file(p, v) < 0) goto fail;
    }
    return 0;
fail:
    snprintf(err, errlen, "cgroup %s: %s", dir, strerror(errno));
    return -1;
}

/* The instance's last line. A failed one is killed and its cgroups removed: nothing is left. */
static void finish(struct inst *in, int failed, const char *text) {
    if (opt.once) snprintf(once_error, sizeof once_error, "%s", failed ? text : "");  /* cmd_once says it */
    else {
        printf(failed ? "%s\terror\t%s\n" : "%s\t%s\n", in->id, text);
        fflush(stdout);
    }
    if (failed) {
        any_error = 1;
        if (!in->reaped) {  /* once reaped, its pid may belong to someone else */
            kill(in->pid, SIGKILL);
            waitpid(in->pid, NULL, 0);  /* it must be gone before its cgroups can go */
        }
        remove_cgroups(in->id);
    }
    if (in->go >= 0) close(in->go);
    /* Explicitly: children cloned meanwhile may still hold this pipe, which keeps the epoll
     * registration (and its stale index) alive past close(). */
    epoll_ctl(epfd, EPOLL_CTL_DEL, in->rep, NULL);
    close(in->rep);
    in->go = in->rep = -1;
    in->state = DONE;
    pending--;
}

static void release(struct inst *in) {
    if (write(in->go, "s", 1) != 1) { finish(in, 1, "release: write failed"); return; }
    close(in->go);
    in->go = -1;
    in->state = STARTING;
}

static void launch(int ep, char *line) {
    char *f[7], *rest = line, err[4400] = "go: write failed";
    int nf = 0, want = opt.fabric >= 0 ? 7 : 4;
    struct attach net = {.sock = -1};
    while (rest && nf < want) f[nf++] = strsep(&rest, "\t");  /* strsep keeps empty fields: no shifting */
    if (nf != want || rest) {
        printf("%s\terror\texpected ID HOSTNAME LOWERDIR STATEDIR%s\n", f[0], want == 7 ? " ADDRESS/PREFIX BRIDGE PEERNAME" : "");
        goto bad;
    }
    if (!valid_name(f[0]) || !valid_name(f[1])) { printf("%s\terror\tinvalid id or hostname\n", f[0]); goto bad; }
    if (!valid_path(f[2]) || !valid_path(f[3])) { printf("%s\terror\tpaths must be absolute, without , : \\\n", f[0]); goto bad; }
    if (want == 7) {
        if (!parse_cidr(f[4], &net.addr, &net.prefix)) { printf("%s\terror\tinvalid address (want A.B.C.D/1-32)\n", f[0]); goto bad; }
        if (!valid_ifname(f[5]) || !valid_ifname(f[6])) { printf("%s\terror\tinvalid bridge or peer name (1-15 of A-Za-z0-9._-)\n", f[0]); goto bad; }
        /* We live in the fabric: its names are ours. Looked up per line, so bridges made later count. */
        if (!(net.bridge = if_nametoindex(f[5]))) { printf("%s\terror\tbridge %s: %s\n", f[0], f[5], strerror(errno)); goto bad; }
        snprintf(net.peer, sizeof net.peer, "%s", f[6]);
    }
    for (int i = 0; i < ninst; i++)
        if (insts[i].state != DONE && !strcmp(insts[i].id, f[0])) { printf("%s\terror\tduplicate id\n", f[0]); goto bad; }

    int go[2], rep[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) { printf("%s\terror\tpipe: %s\n", f[0], strerror(errno)); goto bad; }
    /* The child's fabric-side socket: made here, before clone, because a socket stays in the netns
     * it was created in and the child's own is new. One per child: no replies to tell apart. */
    if (want == 7 && (net.sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0) {
        printf("%s\terror\tnetlink socket: %s\n", f[0], strerror(errno));
        close(go[0]), close(go[1]), close(rep[0]), close(rep[1]);
        goto bad;
    }
    /* fork-like clone: no stack of our own, the child runs on a COW copy of ours. */
    /* With CLONE_NEWUSER the other namespaces are made owned by the new user namespace, where
     * the instance is root: it may mount proc, sysfs, overlay (userxattr) and set its hostname. */
    /* With a template the mount namespace comes later, a copy of the template's (child). */
    pid_t pid = syscall(SYS_clone, (opt.jail >= 0 ? 0 : CLONE_NEWNS) | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | (opt.shared_net ? 0 : CLONE_NEWNET) | SIGCHLD
                        | (opt.userns && !opt.joined ? CLONE_NEWUSER : 0), NULL, NULL, NULL, 0);
    if (pid == 0) { rep_fd = rep[1]; child(f[1], f[2], f[3], go[0], want == 7 ? &net : NULL); }
    close(go[0]);
    close(rep[1]);
    if (net.sock >= 0) close(net.sock);
    if (pid < 0) { printf("%s\terror\tclone: %s\n", f[0], strerror(errno)); close(go[1]); close(rep[0]); goto bad; }

    if (ninst == cap_inst) {
        cap_inst = cap_inst ? cap_inst * 2 : 256;
        insts = realloc(insts, sizeof *insts * cap_inst);
        if (!insts) { perror("realloc"); exit(2); }
    }
    struct inst *in = &insts[ninst];
    memset(in, 0, sizeof *in);
    snprintf(in->id, sizeof in->id, "%s", f[0]);
    in->pid = pid, in->go = go[1], in->rep = rep[0], in->state = SETUP;
    pending++;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = ninst++};
    epoll_ctl(ep, EPOLL_CTL_ADD, in->rep, &ev);
    if ((opt.userns && !opt.joined && map_ids(pid, err, sizeof err) < 0) || place(pid, in->id, err, sizeof err) < 0 || write(in->go, "g", 1) != 1) { finish(in, 1, err); return; }
    if (!opt.hold) { close(in->go); in->go = -1; }
    return;
bad:
    fflush(stdout);
    any_error = 1;
}

static void on_report(struct inst *in) {
    struct msg m;
    ssize_t n = read(in->rep, &m, sizeof m);
    char text[128];
    if (n == sizeof m && m.kind == MSG_ERROR) {
        m.step[sizeof m.step - 1] = 0;
        snprintf(text, sizeof text, "%s: %s", m.step, strerror(m.err));
        finish(in, 1, text);
    } else if (n == sizeof m && m.kind == MSG_READY) {
        in->state = HELD;
        if (!opt.once) {
            printf("%s\t%d\n", in->id, in->pid);
            fflush(stdout);
        }
        if (in->start_wanted) release(in);
    } else if (n == sizeof m && m.kind == MSG_EXEC) {
        in->exec_seen = 1;
    } else if (n == 0 && in->exec_seen) {  /* CLOEXEC pipe closed by a successful execve */
        snprintf(text, sizeof text, "%d", in->pid);
        finish(in, 0, opt.hold ? "started" : text);
    } else {
        finish(in, 1, in->abandoned ? "not started" : in->state == HELD ? "exited while held" : "exited during setup");
    }
}

static void on_line(int ep, char *line) {
    if (!strncmp(line, "start ", 6)) {
        for (int i = 0; i < ninst; i++) {
            struct inst *in = &insts[i];
            if (in->state == DONE || strcmp(in->id, line + 6) || in->start_wanted) continue;
            in->start_wanted = 1;
            if (in->state == HELD) release(in);
            return;
        }
        printf("%s\terror\tstart: no such held instance\n", line + 6);
        fflush(stdout);
        any_error = 1;
    } else if (line[0]) {
        launch(ep, line);
    }
}

/* Reads what stdin has and handles every complete line; returns 0 at EOF. */
static int read_stdin(int ep) {
    static char buf[1 << 16];
    static size_t len;
    ssize_t r = read(0, buf + len, sizeof buf - 1 - len);
    if (r > 0) len += r;
    char *start = buf, *nl;
    while ((nl = memchr(start, '\n', buf + len - start))) { *nl = 0; on_line(ep, start); start = nl + 1; }
    len -= start - buf;
    memmove(buf, start, len);
    if (r > 0 && len < sizeof buf - 1) return 1;
    buf[len] = 0;  /* last line without newline, or an over-long one: taken as is */
    if (len) on_line(ep, buf);
    len = 0;
    return r > 0;
}

/* Set by SIGCHLD, which is delivered only inside cmd_launch's epoll_pwait: some child has exited. */
static volatile sig_atomic_t child_exited;
static void on_child_exit(int sig) { (void)sig; child_exited = 1; }

static int cmd_launch(void) {
    int stdin_open = 1, ep = epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX}, evs[64];
    /* A regular file cannot be polled (EPERM): it is always readable, so just read it each turn. */
    int stdin_polled = epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev) == 0;
    /* Every instance's init is our child, so waitpid(-1) walks all of them in the kernel
     * (wait_consider_task): once per event it made a deploy O(N^2) (bench/RESULTS.md "scale6").
     * Reap only after a SIGCHLD instead. It is blocked but while epoll_pwait waits, so one that
     * comes in between is pending and interrupts the next wait: none is missed. Children inherit
     * the mask and the handler; default_signals() resets both before an instance execs. */
    sigset_t chld, waiting;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    struct sigaction reap = {.sa_handler = on_child_exit};
    sigemptyset(&reap.sa_mask);
    if (sigaction(SIGCHLD, &reap, NULL) < 0 || sigprocmask(SIG_BLOCK, &chld, &waiting) < 0) { perror("vse-launch: SIGCHLD"); return own_failure; }
    sigdelset(&waiting, SIGCHLD);
    while (stdin_open || pending) {
        if (stdin_open && !stdin_polled) stdin_open = read_stdin(ep);
        int n = epoll_pwait(ep, evs, N(evs), stdin_open && !stdin_polled ? 0 : -1, &waiting);
        if (n < 0 && errno == EINTR) n = 0;  /* a SIGCHLD: reaped below */
        for (int e = 0; e < n; e++) {
            if (evs[e].data.u32 != UINT32_MAX) { if (insts[evs[e].data.u32].state != DONE) on_report(&insts[evs[e].data.u32]); }
            else if (!(stdin_open = read_stdin(ep))) epoll_ctl(ep, EPOLL_CTL_DEL, 0, NULL);
        }
        if (!stdin_open && !stdin_closed_seen) {
            stdin_closed_seen = 1;
            /* Held instances nobody started read EOF on their go pipe and exit unrun. */
            for (int i = 0; i < ninst; i++)
                if (insts[i].state != DONE && !insts[i].start_wanted && insts[i].go >= 0) {
                    close(insts[i].go);
                    insts[i].go = -1;
                    insts[i].abandoned = 1;
                }
        }
        /* Inits that already exited: no zombies while we stay (--hold). Rare, so a scan is fine. */
        if (!child_exited) continue;
        child_exited = 0;
        for (pid_t z; (z = waitpid(-1, NULL, WNOHANG)) > 0;)
            for (int i = 0; i < ninst; i++) if (insts[i].pid == z) insts[i].reaped = 1;
    }
    return any_error;
}

/* ------------------------------------------------------------------- once */

/* Removes NAME in directory AT and everything under it, never following a link: unlink, else
 * rmdir, else empty it first. The instance has ended, so nothing writes there meanwhile. A
 * directory the owner may not open (overlayfs leaves work/work mode 000) is opened up first. */
static int remove_tree(int at, const char *name) {
    if (unlinkat(at, name, 0) == 0 || errno == ENOENT) return 0;
    if (errno != EISDIR && errno != EPERM) return -1;
    if (unlinkat(at, name, AT_REMOVEDIR) == 0) return 0;
    if (errno != ENOTEMPTY && errno != EEXIST) return -1;
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES && fchmodat(at, name, 0700, 0) == 0)
        fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) { if (fd >= 0) close(fd); return -1; }
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) remove_tree(dirfd(d), e->d_name);
    closedir(d);
    return unlinkat(at, name, AT_REMOVEDIR);
}

/* --discard, at the launcher's exit (atexit): the instance has ended (waited for, or killed and
 * waited for by finish) or was never made. Its cgroups (an rmdir may meet EBUSY while the kernel
 * still tears its last task down), its state directory, then the record, last, so that a launcher
 * killed in the middle leaves a record `vse cleanup` finds for what is left. */
static void discard_once(void) {
    if (!once_discard || getpid() != launcher_pid) return;
    char dir[4200];
    char *rest = once_line, *id = strsep(&rest, "\t");
    for (int f = 1; f < 3 && rest; f++) strsep(&rest, "\t");
    const char *state = rest ? strsep(&rest, "\t") : NULL;
    if (id && valid_name(id))
        for (int i = 0; i < opt.ncg; i++) {
            snprintf(dir, sizeof dir, "%s/%s", opt.cgroots[i], id);
            for (int tries = 0; rmdir(dir) < 0 && errno == EBUSY && tries < 1000; tries++) usleep(1000);
        }
    if (state && state[0] == '/') remove_tree(AT_FDCWD, state);
    if (unlink(once_discard) < 0 && errno != ENOENT) return;
    snprintf(dir, sizeof dir, "%s", once_discard);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) { *slash = 0; rmdir(dir); }
}

static pid_t once_pid;
static void forward_once(int sig) { if (once_pid > 0) kill(once_pid, sig); }

/* --once: one instance in the foreground, all `vse run` needs from one process (as `runc run`):
 * set up and held as with --hold, its PID written to STATEDIR/init.pid, then released, so that a
 * vse killed at any moment leaves a PID file `vse cleanup` finds before the command runs; then
 * waited for. Exit code: ARGV's, 128+signal if killed, 127 (with a message) if ARGV[0] is not in
 * the instance, 125 if the instance could not be made (`vse-launch: STEP: strerror` on stderr). */
static int cmd_once(void) {
    char line[8192], path[4200];
    snprintf(line, sizeof line, "%s", opt.once);  /* launch splits its line in place */
    char *rest = line;
    for (int f = 0; f < 3 && rest; f++) strsep(&rest, "\t");
    snprintf(path, sizeof path, "%s/init.pid", rest ? strsep(&rest, "\t") : "");
    int ep = epfd = epoll_create1(EPOLL_CLOEXEC);
    launch(ep, opt.once);
    if (!ninst) return own_failure;  /* refused: its error line says why */
    struct inst *in = &insts[0];
    struct epoll_event ev;
    while (in->state != DONE) {
        if (epoll_wait(ep, &ev, 1, -1) < 0) {
            if (errno == EINTR) continue;
            finish(in, 1, "epoll_wait failed");
            break;
        }
        on_report(in);
        if (in->state != HELD) continue;
        char pid[16];
        int n = snprintf(pid, sizeof pid, "%d", in->pid);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, pid, n) != n || close(fd) < 0) {
            snprintf(line, sizeof line, "init.pid: %s", strerror(errno));
            finish(in, 1, line);
            break;
        }
        release(in);
    }
    if (any_error) {
        if (strcmp(once_error, "exec: No such file or directory")) {
            fprintf(stderr, "vse-launch: %s\n", once_error);
            return own_failure;
        }
        fprintf(stderr, "%s: command not found in the instance\n", opt.argv[0]);
        return 127;
    }
    once_pid = in->pid;
    struct sigaction sa = {.sa_handler = forward_once};
    sigaction(SIGINT, &sa, NULL), sigaction(SIGTERM, &sa, NULL), sigaction(SIGHUP, &sa, NULL), sigaction(SIGQUIT, &sa, NULL);
    int st;
    while (waitpid(in->pid, &st, 0) < 0) if (errno != EINTR) return own_failure;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ------------------------------------------------------------------- exec */

/* The bounding set of the instance's init and whether a syscall filter confines it: a command run
 * in the instance gets the same (the description's relaxations included, nothing more). The init
 * cannot widen either after it started (no_new_privs, a bounding set only shrinks, filters stay). */
static int confinement_of(int pid, uint64_t *bounding, int *filtered) {
    char p[64], line[256];
    int found = 0;
    snprintf(p, sizeof p, "/proc/%d/status", pid);
    FILE *f = fopen(p, "re");
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "CapBnd:", 7)) { *bounding = strtoull(line + 7, NULL, 16); found |= 1; }
        else if (!strncmp(line, "Seccomp:", 8)) { *filtered = atoi(line + 8) != 0; found |= 2; }
    }
    fclose(f);
    if (found != 3) { errno = EINVAL; return -1; }
    return 0;
}

static pid_t exec_child;
static void forward(int sig) { if (exec_child > 0) kill(exec_child, sig); }

static int cmd_exec(int argc, char **argv) {
    const char *cwd = "/";
    char p[4200], line[4096];
    if (argc < 3) usage();
    int pid = atoi(argv[2]), i;
    for (i = 3; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--env") && i + 1 < argc) opt.env = push(opt.env, &opt.nenv, argv[++i]);
        else if (!strcmp(argv[i], "--cwd") && i + 1 < argc) cwd = argv[++i];
        else if (!strcmp(argv[i], "--seccomp") && i + 1 < argc && !opt.filter.len) {
            if (read_filter(argv[++i]) < 0) { fprintf(stderr, "vse-launch exec: seccomp %s: %s\n", argv[i], strerror(errno)); return 125; }
        }
        else usage();
    }
    if (pid <= 0 || i + 1 >= argc) usage();
    if (!opt.env) opt.env = no_env;
    uint64_t bounding;
    int filtered;
    snprintf(p, sizeof p, "/proc/%d/status", pid);
    if (confinement_of(pid, &bounding, &filtered) < 0) { fprintf(stderr, "vse-launch exec: %s: %s\n", p, strerror(errno)); return 125; }
    if (filtered && !opt.filter.len) { fputs("vse-launch exec: the instance runs under a syscall filter: --seccomp FILE is needed\n", stderr); return 125; }
    if (!filtered) opt.filter.len = 0;
    keep_caps = bounding;
    /* An instance of an unprivileged launcher (--userns) has its own user namespace: joined first,
     * it gives the capabilities the other setns calls need there. */
    struct stat mine, theirs;
    snprintf(p, sizeof p, "/proc/%d/ns/user", pid);
    if (stat("/proc/self/ns/user", &mine) < 0 || stat(p, &theirs) < 0) { fprintf(stderr, "vse-launch exec: %s: %s\n", p, strerror(errno)); return 125; }
    opt.userns = mine.st_ino != theirs.st_ino || mine.st_dev != theirs.st_dev;
    /* Our own groups: one the instance shares with us (no cgroup of its own, rootless) is not joined. */
    char self[8192] = "\n", want[4100];  /* each line of ours between newlines: whole lines compare */
    FILE *own = fopen("/proc/self/cgroup", "re");
    if (own) { size_t n = fread(self + 1, 1, sizeof self - 2, own); self[n + 1] = 0; fclose(own); }
    /* The instance's cgroups first (accounting and limits apply to what we run), while the host's
     * /sys/fs/cgroup is still reachable. */
    snprintf(p, sizeof p, "/proc/%d/cgroup", pid);
    FILE *cg = fopen(p, "re");
    int devices = 0;
    if (!cg) { fprintf(stderr, "vse-launch exec: %s: %s\n", p, strerror(errno)); return 125; }
    while (fgets(line, sizeof line, cg)) {
        snprintf(want, sizeof want, "\n%s", line);
        if (strstr(self, want)) continue;  /* already there */
        char *ctrl = strchr(line, ':'), *path = ctrl ? strchr(ctrl + 1, ':') : NULL;
        if (!path) continue;
        *path++ = 0;
        path[strcspn(path, "\n")] = 0;
        ctrl++;
        if (strstr(ctrl, "devices")) devices = 1;
        /* The v2 line (0::PATH): the unified hierarchy, at /sys/fs/cgroup itself on a v2-only host. */
        if (!*ctrl) snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s/cgroup.procs", access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? "" : "unified", path);
        else snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s/cgroup.procs", strncmp(ctrl, "name=", 5) ? ctrl : ctrl + 5, path);
        snprintf(line, sizeof line, "%d", getpid());
        if (write_file(p, line) < 0 && errno != ENOENT) {
            fprintf(stderr, "vse-launch exec: %s: %s\n", p, strerror(errno));
            return 125;
        }
    }
    fclose(cg);
    if (!devices) without_device_cgroup();  /* the same capabilities as the instance's init */
    static const char *const ns[] = {"user", "ipc", "uts", "net", "pid", "cgroup", "mnt"};
    int fds[N(ns)], root;
    for (size_t n = 0; n < N(ns); n++) {
        snprintf(p, sizeof p, "/proc/%d/ns/%s", pid, ns[n]);
        if ((fds[n] = open(p, O_RDONLY | O_CLOEXEC)) < 0) { fprintf(stderr, "vse-launch exec: %s: %s\n", p, strerror(errno)); return 125; }
    }
    snprintf(p, sizeof p, "/proc/%d/root", pid);
    if ((root = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) { fprintf(stderr, "vse-launch exec: %s: %s\n", p, strerror(errno)); return 125; }
    for (size_t n = opt.userns ? 0 : 1; n < N(ns); n++)
        if (setns(fds[n], 0) < 0) { fprintf(stderr, "vse-launch exec: setns %s: %s\n", ns[n], strerror(errno)); return 125; }
    if (fchdir(root) < 0 || chroot(".") < 0 || chdir(cwd) < 0) { fprintf(stderr, "vse-launch exec: root/cwd %s: %s\n", cwd, strerror(errno)); return 125; }
    exec_child = fork();  /* setns(pid) applies to children only */
    if (exec_child < 0) { fprintf(stderr, "vse-launch exec: fork: %s\n", strerror(errno)); return 125; }
    if (exec_child == 0) {
        drop_privileges();
        /* Only stdio goes in: whatever vse (or its caller) left open without CLOEXEC would
         * otherwise be the command's, a host pipe or directory inside the instance
         * (runc's CVE-2024-21626). */
        close_range(3, ~0U, 0);
        default_signals();
        environ = opt.env;
        execvp(argv[i + 1], argv + i + 1);
        int e = errno;
        if (e == ENOENT) fprintf(stderr, "%s: command not found in the instance\n", argv[i + 1]);
        else fprintf(stderr, "vse-launch exec: %s: %s\n", argv[i + 1], strerror(e));
        _exit(e == ENOENT ? 127 : 126);
    }
    struct sigaction sa = {.sa_handler = forward};
    sigaction(SIGINT, &sa, NULL), sigaction(SIGTERM, &sa, NULL), sigaction(SIGHUP, &sa, NULL), sigaction(SIGQUIT, &sa, NULL);
    int st;
    while (waitpid(exec_child, &st, 0) < 0) if (errno != EINTR) return 125;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ------------------------------------------------------------------- init */

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* The program every instance runs as its init (--init): this binary, copied once into a sealed
 * memfd. Not the file itself: an instance's root could reach it as /proc/1/exe and, with
 * CAP_DAC_OVERRIDE, write the host's vse-launch (runc's CVE-2019-5736); a sealed memfd cannot be
 * written by anyone, and it is the same for all instances (page cache shared, no file per instance). */
static int init_image(void) {
    int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), fd;
    struct stat st;
    if (exe < 0 || fstat(exe, &st) < 0) return -1;
    fd = memfd_create("vse-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = memfd_create("vse-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);  /* before 6.3 */
    if (fd < 0) { close(exe); return -1; }
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(fd, exe, &done, st.st_size - done);
        if (n <= 0) { if (n == 0) errno = EIO; close(exe); close(fd); return -1; }
    }
    close(exe);
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) { close(fd); return -1; }
    return fd;
}

/* An instance's PID 1 when it has no services: what the shell init does without services (stay
 * up, reap the orphans the kernel hands PID 1, exit 0 on SIGTERM), without a shell and a `sleep`
 * per instance. Only SIGCHLD and SIGTERM are taken over; every other signal keeps its default,
 * as in the shell: ignored from inside the instance (PID 1), fatal from the host. */
static int cmd_init(void) {
    if (getpid() != 1) { fputs("vse-init: runs only as an instance's first process (vse-launch --init)\n", stderr); return 2; }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) { perror("vse-init: sigprocmask"); return 125; }
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0) {}  /* several exits may share one pending SIGCHLD */
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        if (sig == SIGTERM) return 0;
    }
}

/* Bind sources are checked by vse against site policy as canonical paths, then handed here.
 * Each is opened once, now, with no symlink allowed anywhere on its path, and its identity kept;
 * every instance then mounts only that object (checked in the child). A directory swapped for a
 * symlink after vse's check is refused here; one swapped later is refused in the child. */
static int pin_binds(void) {
    opt.bind_id = calloc(opt.nbind + 1, sizeof *opt.bind_id);
    if (!opt.bind_id) die("calloc");
    for (int i = 0; i < opt.nbind; i++) {
        struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
        int fd = syscall(SYS_openat2, AT_FDCWD, opt.bind_src[i], &how, sizeof how);
        if (fd < 0 || fstat(fd, &opt.bind_id[i]) < 0) {
            fprintf(stderr, "vse-launch: bind source %s: %s\n", opt.bind_src[i],
                    errno == ELOOP ? "a symlink on its path (it was symlink-free when checked)" : strerror(errno));
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* Each --device source must be a character or block device now: a missing one is an error before
 * any instance starts, not an instance without it. What it is (type, numbers) is fixed here. */
static int pin_devices(void) {
    opt.dev_st = calloc(opt.ndev + 1, sizeof *opt.dev_st);
    if (!opt.dev_st) die("calloc");
    for (int i = 0; i < opt.ndev; i++) {
        if (stat(opt.dev_src[i], &opt.dev_st[i]) < 0) {
            fprintf(stderr, "vse-launch: device %s: %s\n", opt.dev_src[i], strerror(errno));
            return -1;
        }
        if (!S_ISCHR(opt.dev_st[i].st_mode) && !S_ISBLK(opt.dev_st[i].st_mode)) {
            fprintf(stderr, "vse-launch: device %s: not a character or block device\n", opt.dev_src[i]);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 1 && !strcmp(argv[0], "vse-init")) return cmd_init();
    if (argc > 1 && !strcmp(argv[1], "exec")) return cmd_exec(argc, argv);
    /* A static program that runs anywhere and does nothing: vse's OCI runtime probe runs it as a
     * container's process, so probing needs nothing the site did not install. */
    if (argc == 2 && !strcmp(argv[1], "probe")) return 0;
    int i;
    const char *sysfs_netns = NULL;
    /* Before anything can fail: --once's exit code for the launcher's own failures, and the
     * record whose run it removes at exit however it exits (--discard). */
    for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--once")) own_failure = 125, once_given = 1;
    for (i = 1; i + 1 < argc && strcmp(argv[i], "--") && once_given; i++) {
        if (!strcmp(argv[i], "--once")) snprintf(once_line, sizeof once_line, "%s", argv[i + 1]);
        else if (!strcmp(argv[i], "--discard") && argv[i + 1][0] == '/') once_discard = argv[i + 1];
        else if (!strcmp(argv[i], "--failure-exit") && atoi(argv[i + 1]) > 0 && atoi(argv[i + 1]) < 256) own_failure = atoi(argv[i + 1]);
        else continue;
        i++;
    }
    launcher_pid = getpid();
    if (once_discard) atexit(discard_once);
    for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--hold")) { opt.hold = 1; continue; }
        if (!strcmp(argv[i], "--userns")) { opt.userns = 1; continue; }
        if (!strcmp(argv[i], "--init") && opt.init < 0) {
            if ((opt.init = init_image()) < 0) { fprintf(stderr, "vse-launch: init image: %s\n", strerror(errno)); return own_failure; }
            continue;
        }
        if (i + 1 >= argc) usage();
        char *v = argv[++i], *colon;
        if (!strcmp(argv[i - 1], "--env") && strchr(v, '=')) opt.env = push(opt.env, &opt.nenv, v);
        else if (!strcmp(argv[i - 1], "--fabric-userns") && opt.fabric < 0 && !opt.joined) {
            /* A rootless fabric: a user namespace of the user's own that owns the fabric's netns.
             * Its owner gains every capability there by joining (a single-threaded process may);
             * the fabric's netns and the instances' new namespaces are then ours to plug. */
            int fd = join_namespace(v, CLONE_NEWUSER, "fabric user namespace");
            if (fd < 0) return own_failure;
            close(fd);
            opt.joined = 1;
        }
        else if (!strcmp(argv[i - 1], "--fabric") && opt.fabric < 0 && !opt.shared_net) {
            /* The launcher moves into the fabric for good: sockets it makes (one per child, before
             * clone) are bound there, and bridge names resolve there. Instances get new netns
             * anyway, and nothing else the launcher does depends on its own. */
            if ((opt.fabric = join_namespace(v, CLONE_NEWNET, "fabric")) < 0) return own_failure;
        }
        else if (!strcmp(argv[i - 1], "--netns") && opt.fabric < 0 && !opt.shared_net) {
            int fd = join_namespace(v, CLONE_NEWNET, "network namespace");
            if (fd < 0) return own_failure;
            close(fd);
            opt.shared_net = 1;
        }
        else if (!strcmp(argv[i - 1], "--mtu") && !opt.mtu && (opt.mtu = mtu_value(v))) {}
        else if (!strcmp(argv[i - 1], "--cgroup-root") && v[0] == '/') opt.cgroots = push(opt.cgroots, &opt.ncg, v);
        else if (!strcmp(argv[i - 1], "--sysfs-netns") && v[0] == '/' && !sysfs_netns) sysfs_netns = v;
        else if (!strcmp(argv[i - 1], "--once") && !opt.once) opt.once = v;
        else if (!strcmp(argv[i - 1], "--cwd") && v[0] == '/' && !opt.cwd) opt.cwd = v;
        else if (!strcmp(argv[i - 1], "--discard") && v == once_discard) {}
        else if (!strcmp(argv[i - 1], "--failure-exit") && once_given) {}
        else if (!strcmp(argv[i - 1], "--cgroup-join") && v[0] == '/') opt.cgjoins = push(opt.cgjoins, &opt.ncgjoin, v);
        else if (!strcmp(argv[i - 1], "--seccomp") && !opt.filter.len) {
            if (read_filter(v) < 0) { fprintf(stderr, "vse-launch: seccomp %s: %s\n", v, strerror(errno)); return own_failure; }
        }
        else if (!strcmp(argv[i - 1], "--cap") && cap_number(v) >= 0) keep_caps |= 1ULL << cap_number(v);
        else if (!strcmp(argv[i - 1], "--device") && (colon = strchr(v, ':')) && v[0] == '/' && valid_dev_path(colon + 1)) {
            *colon = 0;
            int nd = opt.ndev;
            opt.dev_src = push(opt.dev_src, &nd, v);
            opt.dev_dst = push(opt.dev_dst, &opt.ndev, colon + 1);
        }
        else if ((!strcmp(argv[i - 1], "--bind") || !strcmp(argv[i - 1], "--bind-rw")) && (colon = strchr(v, ':')) && v[0] == '/' && colon[1] == '/') {
            *colon = 0;
            int nb = opt.nbind;
            opt.bind_src = push(opt.bind_src, &nb, v);
            opt.bind_rw = realloc(opt.bind_rw, sizeof(int) * (opt.nbind + 1));
            if (!opt.bind_rw) die("realloc");
            opt.bind_rw[opt.nbind] = !strcmp(argv[i - 1], "--bind-rw");
            opt.bind_dst = push(opt.bind_dst, &opt.nbind, colon + 1);
        } else usage();
    }
    if (pin_binds() < 0 || pin_devices() < 0) return own_failure;
    if (opt.userns != opt.joined && opt.fabric >= 0) {
        /* Root's fabric lives in a namespace only root can plug into; a rootless one is joined with its user namespace. */
        fputs("vse-launch: --fabric needs --fabric-userns with --userns, and neither without it\n", stderr);
        return own_failure;
    }
    if (opt.joined && opt.fabric < 0 && !opt.shared_net) {
        fputs("vse-launch: --fabric-userns is for a rootless fabric (--fabric) or shared network namespace (--netns)\n", stderr);
        return own_failure;
    }
    if (opt.mtu && opt.fabric < 0) {
        fputs("vse-launch: --mtu is for instances plugged into a fabric (--fabric)\n", stderr);
        return own_failure;
    }
    int devices = 0;
    for (int c = 0; c < opt.ncg; c++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/devices.deny", opt.cgroots[c]);
        if (access(p, F_OK) == 0) devices = 1;
    }
    if (!devices) without_device_cgroup();
    for (int c = 0; c < opt.ncgjoin; c++) {
        /* A shared group gets no device rules of its own: a devices hierarchy must be a --cgroup-root. */
        char p[4200];
        snprintf(p, sizeof p, "%s/devices.deny", opt.cgjoins[c]);
        if (access(p, F_OK) == 0) { fprintf(stderr, "vse-launch: --cgroup-join %s: a devices hierarchy needs a group per instance (--cgroup-root)\n", opt.cgjoins[c]); return own_failure; }
        snprintf(p, sizeof p, "%s/cgroup.procs", opt.cgjoins[c]);
        if (access(p, W_OK) < 0) { fprintf(stderr, "vse-launch: --cgroup-join %s: %s\n", opt.cgjoins[c], strerror(errno)); return own_failure; }
    }
    /* Either the built-in init or ARGV, never both; --once runs ARGV, unheld by its caller; --cwd is --once's. */
    if (opt.init >= 0 ? i < argc : i + 1 >= argc) usage();
    if (opt.once ? opt.init >= 0 || opt.hold : opt.cwd != NULL) usage();
    opt.argv = opt.init >= 0 ? NULL : argv + i + 1;
    if (!opt.env) opt.env = no_env;
    /* Instances with a network see their own links in /sys; a user namespace's own sysfs is the only one it may mount. */
    if (sysfs_netns && (opt.fabric >= 0 || opt.userns)) {
        fputs("vse-launch: --sysfs-netns is for instances without a network, made by root (neither --fabric nor --userns)\n", stderr);
        return own_failure;
    }
    if (sysfs_netns) opt.sysfs = shared_sysfs(sysfs_netns);
    /* The bulk path of root's launches with a syscall filter (which refuses unshare and clone of a
     * user namespace: a chrooted process may not make one, so an unconfined instance keeps its own
     * pivot_root). Rootless and --once instances pivot as before. */
    if (!opt.userns && !opt.once && opt.filter.len && (opt.jail = jail_template()) < 0) {
        fprintf(stderr, "vse-launch: mount namespace template: %s\n", strerror(errno));
        return own_failure;
    }
    /* Two fds per held instance: allow thousands. */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    signal(SIGPIPE, SIG_IGN);
    if (opt.once) {
        /* The caller's stdout is the command's; the launcher's own lines (errors) go to stderr. */
        if ((opt.once_stdout = fcntl(1, F_DUPFD_CLOEXEC, 3)) < 0 || dup2(2, 1) < 0) { perror("vse-launch: stdout"); return own_failure; }
        opt.hold = 1;  /* held until its PID is on disk */
        return cmd_once();
    }
    return cmd_launch();
}
