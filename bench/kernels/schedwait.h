/*
 * How long the calling thread has waited for a CPU while runnable: the second field of
 * /proc/thread-self/schedstat (ns), as seconds. On a shared machine this says whether a
 * run was measured on a contended CPU; the kernels report it as a share of the wall time
 * of their timed section. Returns -1 when the kernel has no schedstat.
 */
#ifndef SCHEDWAIT_H
#define SCHEDWAIT_H
#include <stdio.h>

static double sched_wait_seconds(void)
{
    FILE *f = fopen("/proc/thread-self/schedstat", "r");
    unsigned long long run = 0, wait = 0;
    if (!f) return -1;
    int got = fscanf(f, "%llu %llu", &run, &wait);
    fclose(f);
    return got == 2 ? (double)wait * 1e-9 : -1;
}
#endif
