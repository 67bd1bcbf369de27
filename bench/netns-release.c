/* What the kernel spends making and releasing network namespaces as a function of how many are
 * alive (issue 17 item 6, bench/RESULTS.md "scale6"): every instance on the bulk path has one (a
 * private network's or an empty one with lo), and its release is work the kernel does in a kworker
 * (cleanup_net), outside the instance's and vse's cgroups. Nothing of vse: one process makes N
 * namespaces, each kept only by an fd (unshare, open /proc/self/ns/net, back to its own), printing
 * its own system CPU per namespace for every batch; then closes the fds batch by batch (oldest or
 * newest first) and waits, per batch, until the kernel has destroyed them: a marker namespace is
 * released right after the batch with one end of a veth pair in it and the other in a watch
 * namespace; the namespaces' work queue is ordered, so when the watch end is gone the batch is too.
 * Per batch it prints the wall time and the CPU of the kernel's threads (utime + stime of every
 * task with PF_KTHREAD in /proc, where cleanup_net runs) per namespace, next to how many were alive.
 *   usage (root): gcc -O2 -I native/common -o /tmp/netns-release bench/netns-release.c && /tmp/netns-release 16384 oldest|newest [BATCH] */
#define _GNU_SOURCE
#include <dirent.h>
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
#include <time.h>
#include <unistd.h>
#include "netlink-request.h"

#define TRY(e, s) do { if ((e) < 0) { perror(s); exit(1); } } while (0)
#define PF_KTHREAD 0x00200000UL
static double sys_ms(void) { struct rusage r; getrusage(RUSAGE_SELF, &r); return r.ru_stime.tv_sec * 1e3 + r.ru_stime.tv_usec / 1e3; }
static double wall_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

/* CPU milliseconds of every kernel thread alive now (/proc/PID/stat: flags, utime, stime). */
static double kthread_ms(void) {
    static long hz;
    if (!hz) hz = sysconf(_SC_CLK_TCK);
    DIR *d = opendir("/proc");
    TRY(d ? 0 : -1, "/proc");
    unsigned long long ticks = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        char path[300], buf[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int f = open(path, O_RDONLY | O_CLOEXEC);
        if (f < 0) continue;
        ssize_t len = read(f, buf, sizeof buf - 1);
        close(f);
        if (len <= 0) continue;
        buf[len] = 0;
        char *p = strrchr(buf, ')');  /* the name may hold spaces: fields count from after it */
        unsigned long flags; unsigned long long ut, st;
        if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %lu %*u %*u %*u %*u %llu %llu", &flags, &ut, &st) == 3 && (flags & PF_KTHREAD))
            ticks += ut + st;
    }
    closedir(d);
    return ticks * 1000.0 / hz;
}

/* Busy milliseconds of every core since boot (/proc/stat "cpu": all but idle and iowait). */
static double busy_ms(void) {
    FILE *f = fopen("/proc/stat", "r");
    TRY(f ? 0 : -1, "/proc/stat");
    unsigned long long v[8] = {0};
    TRY(fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8 ? 0 : -1, "/proc/stat cpu");
    fclose(f);
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1000.0 / sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[2], "oldest") && strcmp(argv[2], "newest"))) {
        fprintf(stderr, "usage: netns-release N oldest|newest [BATCH]\n");
        return 2;
    }
    int n = atoi(argv[1]), batch = argc > 3 ? atoi(argv[3]) : 1024, newest = !strcmp(argv[2], "newest");
    struct rlimit lim;
    TRY(getrlimit(RLIMIT_NOFILE, &lim), "getrlimit");
    if (lim.rlim_max < (rlim_t)n + 64) { fprintf(stderr, "netns-release: N=%d needs %d open files, the hard limit is %llu\n", n, n + 64, (unsigned long long)lim.rlim_max); return 2; }
    lim.rlim_cur = n + 64;
    TRY(setrlimit(RLIMIT_NOFILE, &lim), "setrlimit");
    int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    TRY(host, "own netns");
    TRY(unshare(CLONE_NEWNET), "watch netns");
    int watch = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    TRY(watch, "watch fd");
    TRY(setns(host, CLONE_NEWNET), "back");

    int *fds = calloc(n, sizeof *fds);
    double s0 = sys_ms(), w0 = wall_ms(), sb = s0;
    for (int i = 0; i < n; i++) {
        TRY(unshare(CLONE_NEWNET), "unshare");
        TRY(fds[i] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), "ns fd");
        TRY(setns(host, CLONE_NEWNET), "back");
        if ((i + 1) % batch == 0) {
            double s = sys_ms();
            printf("make: %d alive after the batch: %.3f ms system CPU per namespace\n", i + 1, (s - sb) / batch);
            fflush(stdout);
            sb = s;
        }
    }
    printf("make: N=%d: %.3f ms system CPU, %.3f ms wall per namespace\n", n, (sys_ms() - s0) / n, (wall_ms() - w0) / n);
    fflush(stdout);

    double all_w = 0, all_k = 0, all_b = 0;
    for (int done = 0; done < n; done += batch) {
        int m = n - done < batch ? n - done : batch;
        double w = wall_ms(), k = kthread_ms(), b = busy_ms();
        for (int j = 0; j < m; j++) close(fds[newest ? n - 1 - done - j : done + j]);
        /* The marker: a namespace with a veth whose peer is in the watch namespace, released after the batch. */
        TRY(unshare(CLONE_NEWNET), "marker");
        int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        TRY(sock, "marker socket");
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
        struct nlreq r;
        nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
        nl_str(&r, IFLA_IFNAME, "marker");
        struct rtattr *info = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
        nl_str(&r, IFLA_INFO_KIND, "veth");
        struct rtattr *data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0), *pe = nl_attr(&r, VETH_INFO_PEER, &ifi, sizeof ifi);
        nl_str(&r, IFLA_IFNAME, "watch"); nl_u32(&r, IFLA_NET_NS_FD, watch);
        nl_end(&r, pe); nl_end(&r, data); nl_end(&r, info);
        TRY(nl_talk(sock, &r), "marker veth");
        close(sock);
        TRY(setns(watch, CLONE_NEWNET), "to watch");  /* the marker's last reference goes here */
        while (if_nametoindex("watch") != 0) usleep(2000);
        TRY(setns(host, CLONE_NEWNET), "back");
        w = wall_ms() - w, k = kthread_ms() - k, b = busy_ms() - b;
        all_w += w, all_k += k, all_b += b;
        printf("release (%s first): %d alive before the batch of %d: %.3f ms wall, %.3f ms kernel threads' CPU, %.3f ms system-wide busy per namespace\n",
               argv[2], n - done, m, w / m, k / m, b / m);
        fflush(stdout);
    }
    printf("release (%s first): N=%d: %.3f ms wall, %.3f ms kernel threads' CPU, %.3f ms system-wide busy per namespace\n",
           argv[2], n, all_w / n, all_k / n, all_b / n);
    return 0;
}
