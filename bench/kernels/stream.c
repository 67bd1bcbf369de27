/*
 * A small STREAM memory-bandwidth kernel after John McCalpin's STREAM
 * (https://www.cs.virginia.edu/stream/), written for bench/hpc-kernels.sh.
 *
 *   copy:  c[i] = a[i]                 2 x 8 bytes per element
 *   scale: b[i] = s * c[i]             2 x 8 bytes per element
 *   add:   c[i] = a[i] + b[i]          3 x 8 bytes per element
 *   triad: a[i] = b[i] + s * c[i]      3 x 8 bytes per element
 *
 * McCalpin's rules kept here: each array is much larger than the caches (default
 * 2^24 doubles = 128 MiB per array, 384 MiB in all: several times the last-level
 * cache of any current CPU), the four kernels run NTIMES times in a row, the first
 * pass is not counted, the reported rate is the best of the remaining passes
 * (MB/s, 10^6 bytes), and the results are checked against the same recurrence
 * computed in scalar arithmetic. Single-threaded (no OpenMP): on a shared 2-core
 * machine one thread gives far steadier numbers.
 *
 * Usage: stream [N_ELEMENTS [NTIMES]]
 * Output: a human-readable table, then one line for scripts:
 *   RESULT copy=MB/s scale=MB/s add=MB/s triad=MB/s
 *   WAIT pct=P   (% of the timed passes' wall time the process waited for a CPU)
 * Exit status 1 if the results do not validate.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "schedwait.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Separate noinline functions so that the compiler cannot fuse or drop passes. */
__attribute__((noinline)) static void copy(double *restrict c, const double *restrict a, long n)
{
    for (long i = 0; i < n; i++) c[i] = a[i];
}
__attribute__((noinline)) static void scale(double *restrict b, const double *restrict c, double s, long n)
{
    for (long i = 0; i < n; i++) b[i] = s * c[i];
}
__attribute__((noinline)) static void add(double *restrict c, const double *restrict a, const double *restrict b, long n)
{
    for (long i = 0; i < n; i++) c[i] = a[i] + b[i];
}
__attribute__((noinline)) static void triad(double *restrict a, const double *restrict b, const double *restrict c, double s, long n)
{
    for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1L << 24;
    int ntimes = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 1000 || ntimes < 2) {
        fprintf(stderr, "usage: stream [N_ELEMENTS>=1000 [NTIMES>=2]]\n");
        return 2;
    }
    double *a = aligned_alloc(64, ((size_t)n * sizeof(double) + 63) / 64 * 64);
    double *b = aligned_alloc(64, ((size_t)n * sizeof(double) + 63) / 64 * 64);
    double *c = aligned_alloc(64, ((size_t)n * sizeof(double) + 63) / 64 * 64);
    if (!a || !b || !c) {
        fprintf(stderr, "stream: cannot allocate 3 x %ld doubles\n", n);
        return 2;
    }

    /* First touch, then one pass as in STREAM, so that every page is mapped before timing. */
    for (long i = 0; i < n; i++) { a[i] = 1.0; b[i] = 2.0; c[i] = 0.0; }
    for (long i = 0; i < n; i++) a[i] = 2.0 * a[i];

    const double s = 3.0;
    const char *names[4] = {"copy", "scale", "add", "triad"};
    const double bytes[4] = {2.0 * sizeof(double) * n, 2.0 * sizeof(double) * n,
                             3.0 * sizeof(double) * n, 3.0 * sizeof(double) * n};
    double best[4] = {FLT_MAX, FLT_MAX, FLT_MAX, FLT_MAX}, worst[4] = {0}, sum[4] = {0};
    const double wait0 = sched_wait_seconds(), wall0 = now();

    for (int k = 0; k < ntimes; k++) {
        double t[4];
        t[0] = now(); copy(c, a, n);        t[0] = now() - t[0];
        t[1] = now(); scale(b, c, s, n);    t[1] = now() - t[1];
        t[2] = now(); add(c, a, b, n);      t[2] = now() - t[2];
        t[3] = now(); triad(a, b, c, s, n); t[3] = now() - t[3];
        if (k == 0) continue; /* the first pass is not counted */
        for (int j = 0; j < 4; j++) {
            if (t[j] < best[j]) best[j] = t[j];
            if (t[j] > worst[j]) worst[j] = t[j];
            sum[j] += t[j];
        }
    }

    const double wall = now() - wall0, wait = sched_wait_seconds() - wait0;

    /* Validation: the same recurrence on scalars, then the average error of each array. */
    double aj = 2.0, bj = 2.0, cj = 0.0;
    for (int k = 0; k < ntimes; k++) { cj = aj; bj = s * cj; cj = aj + bj; aj = bj + s * cj; }
    double ea = 0, eb = 0, ec = 0;
    for (long i = 0; i < n; i++) { ea += fabs(a[i] - aj); eb += fabs(b[i] - bj); ec += fabs(c[i] - cj); }
    ea /= n; eb /= n; ec /= n;
    const double eps = 1e-13;
    int ok = ea / fabs(aj) <= eps && eb / fabs(bj) <= eps && ec / fabs(cj) <= eps;

    printf("STREAM: %ld doubles per array (%.1f MiB each, %.1f MiB in all), %d passes, best of the last %d\n",
           n, n * 8.0 / 1048576, 3 * n * 8.0 / 1048576, ntimes, ntimes - 1);
    printf("%-6s %12s %10s %10s %10s\n", "kernel", "best MB/s", "avg s", "min s", "max s");
    for (int j = 0; j < 4; j++)
        printf("%-6s %12.1f %10.6f %10.6f %10.6f\n", names[j], 1e-6 * bytes[j] / best[j],
               sum[j] / (ntimes - 1), best[j], worst[j]);
    printf("validation: %s (mean relative error a %.2e, b %.2e, c %.2e)\n", ok ? "ok" : "FAILED",
           ea / fabs(aj), eb / fabs(bj), ec / fabs(cj));
    printf("RESULT copy=%.1f scale=%.1f add=%.1f triad=%.1f\n", 1e-6 * bytes[0] / best[0],
           1e-6 * bytes[1] / best[1], 1e-6 * bytes[2] / best[2], 1e-6 * bytes[3] / best[3]);
    if (wait0 >= 0) printf("WAIT pct=%.1f\n", 100 * wait / wall); else printf("WAIT pct=n/a\n");
    free(a); free(b); free(c);
    return ok ? 0 : 1;
}
