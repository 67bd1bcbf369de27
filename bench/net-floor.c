/* Kernel floor of a private instance's network (bench/RESULTS.md, "scale5"): per instance only the
 * kernel work vse-launch's attach_network and own-sysfs do, from one process, nothing else (no
 * clone, mount namespace, overlay, cgroup, exec): its own network namespace (unshare, kept by an
 * fd), a veth pair made from it with the peer in one fabric namespace (IPv6 and bridge netfilter
 * off there, as PrivateNetwork's), the peer on a bridge of at most 1,000 ports (PortsPerBridge)
 * and up, eth0's IPv6 address generation off, its address, up; with "net+sysfs" also a detached
 * sysfs of its namespace (the superblock an instance's /sys is). Prints the system CPU time per
 * instance of every batch of 256, so what grows with the number alive shows; everything is freed
 * when it exits (its namespaces go with their last fd). The netlink requests are vse-launch's
 * (native/common/netlink-request.h), so this measures the same requests without the launcher.
 *   usage (root): gcc -O2 -I native/common -o /tmp/net-floor bench/net-floor.c && /tmp/net-floor 4096 net|net+sysfs */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "netlink-request.h"

#define TRY(e, s) do { if ((e) < 0) { perror(s); exit(1); } } while (0)
static void sysctl(const char *path, const char *v) { int f = open(path, O_WRONLY); TRY(f, path); TRY(write(f, v, strlen(v)), path); close(f); }
static double sys_ms(void) { struct rusage r; getrusage(RUSAGE_SELF, &r); return r.ru_stime.tv_sec * 1e3 + r.ru_stime.tv_usec / 1e3; }
static double wall_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: net-floor N net|net+sysfs\n"); return 2; }
    int n = atoi(argv[1]), with_sysfs = !strcmp(argv[2], "net+sysfs");
    struct rlimit lim = {2 * n + 64, 2 * n + 64};
    TRY(setrlimit(RLIMIT_NOFILE, &lim), "setrlimit");
    TRY(unshare(CLONE_NEWNET), "fabric");
    int fabric = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fsock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    TRY(fabric, "fabric fd"); TRY(fsock, "fabric socket");
    sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    sysctl("/proc/sys/net/bridge/bridge-nf-call-iptables", "0");
    unsigned bridge = 0;
    double s0 = sys_ms(), w0 = wall_ms(), sb = s0, wb = w0;
    for (int i = 0; i < n; i++) {
        if (i % 1000 == 0) {
            char br[16]; snprintf(br, sizeof br, "br%d", i / 1000);
            struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC}; struct nlreq r;
            nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
            nl_str(&r, IFLA_IFNAME, br);
            struct rtattr *info = nl_attr(&r, IFLA_LINKINFO, NULL, 0); nl_str(&r, IFLA_INFO_KIND, "bridge"); nl_end(&r, info);
            TRY(nl_talk(fsock, &r), "bridge");
            TRY(nl_setlink(fsock, br, 0, 1), "bridge up");
            TRY(setns(fabric, CLONE_NEWNET), "to the fabric");  /* if_nametoindex asks the namespace we are in */
            bridge = if_nametoindex(br);
        }
        TRY(unshare(CLONE_NEWNET), "instance netns");
        TRY(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), "ns fd");
        int own = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        TRY(own, "own socket");
        char peer[16]; snprintf(peer, sizeof peer, "p%d", i);
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC}; struct nlreq r;
        nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
        nl_str(&r, IFLA_IFNAME, "eth0"); nl_u32(&r, IFLA_MTU, 65535);
        struct rtattr *info = nl_attr(&r, IFLA_LINKINFO, NULL, 0); nl_str(&r, IFLA_INFO_KIND, "veth");
        struct rtattr *data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0), *pe = nl_attr(&r, VETH_INFO_PEER, &ifi, sizeof ifi);
        nl_str(&r, IFLA_IFNAME, peer); nl_u32(&r, IFLA_MTU, 65535); nl_u32(&r, IFLA_NET_NS_FD, fabric);
        nl_end(&r, pe); nl_end(&r, data); nl_end(&r, info);
        TRY(nl_talk(own, &r), "veth");
        TRY(nl_setlink(fsock, peer, bridge, 1), "peer master up");
        TRY(nl_setlink(own, "eth0", 0, 0), "eth0 addrgenmode");
        unsigned eth0 = if_nametoindex("eth0");
        uint32_t addr = htonl((10u << 24) | (uint32_t)(i + 2));
        struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 8, .ifa_index = eth0};
        nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
        nl_attr(&r, IFA_LOCAL, &addr, 4); nl_attr(&r, IFA_ADDRESS, &addr, 4);
        TRY(nl_talk(own, &r), "address");
        struct ifinfomsg up = {.ifi_family = AF_UNSPEC, .ifi_index = eth0, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
        nl_init(&r, RTM_NEWLINK, 0, &up, sizeof up);
        TRY(nl_talk(own, &r), "eth0 up");
        close(own);
        if (with_sysfs) {
            int fs = syscall(SYS_fsopen, "sysfs", 0);
            TRY(fs, "fsopen"); TRY(syscall(SYS_fsconfig, fs, 6, NULL, NULL, 0), "sysfs create"); TRY(syscall(SYS_fsmount, fs, 0, 0), "fsmount");
            close(fs);
        }
        if ((i + 1) % 256 == 0) {
            double s = sys_ms(), w = wall_ms();
            printf("%s %d alive: batch of 256: %.3f ms system CPU, %.3f ms wall per instance\n", argv[2], i + 1, (s - sb) / 256, (w - wb) / 256);
            sb = s, wb = w;
        }
    }
    printf("%s N=%d: %.3f ms system CPU, %.3f ms wall per instance (all)\n", argv[2], n, (sys_ms() - s0) / n, (wall_ms() - w0) / n);
    return 0;
}
