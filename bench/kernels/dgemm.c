/*
 * A DGEMM kernel for bench/hpc-kernels.sh: C = A * B for square N x N matrices of
 * doubles, row-major.
 *
 * Default: a cache-blocked loop nest (blocks of rows of A/C, of k and of columns of
 * B/C; the inner loop runs along a row of B and C, so the compiler vectorises it
 * with -O3 -march=native). Not a tuned BLAS, but compute-bound: it does 2 N^3
 * floating-point operations on data that fits in the L1/L2 caches block by block.
 * Built with -DUSE_CBLAS it calls cblas_dgemm instead (OpenBLAS, statically linked;
 * the thread count is OpenBLAS's own default unless OPENBLAS_NUM_THREADS is set).
 *
 * Each of NTRIALS multiplications is timed; the best is reported as GFLOP/s
 * (2 N^3 / seconds / 10^9). Validation: 256 entries of C, spread over the matrix,
 * are recomputed with a plain dot product (in long double) and must agree to a
 * relative 1e-12.
 *
 * Usage: dgemm [N [NTRIALS]]
 * Output: a human-readable summary, then one line for scripts:
 *   RESULT dgemm=GFLOP/s
 *   WAIT pct=P   (% of the trials' wall time the main thread waited for a CPU)
 * Exit status 1 if the results do not validate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schedwait.h"
#ifdef USE_CBLAS
#include <cblas.h>
#define VARIANT "OpenBLAS cblas_dgemm"
int openblas_get_num_threads(void);
#define THREADS openblas_get_num_threads()
#else
#define THREADS 1
#define VARIANT "blocked C loop nest"
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#ifndef USE_CBLAS
enum { MB = 64, KB = 256, NB = 512 }; /* block sizes: a 256 x 512 block of B is 1 MiB (L2), a row of it 4 KiB */

__attribute__((noinline)) static void multiply(long n, const double *restrict a, const double *restrict b,
                                               double *restrict c)
{
    memset(c, 0, (size_t)n * n * sizeof(double));
    for (long jj = 0; jj < n; jj += NB) {
        long je = jj + NB < n ? jj + NB : n;
        for (long kk = 0; kk < n; kk += KB) {
            long ke = kk + KB < n ? kk + KB : n;
            for (long ii = 0; ii < n; ii += MB) {
                long ie = ii + MB < n ? ii + MB : n;
                for (long i = ii; i < ie; i++) {
                    double *restrict ci = c + i * n;
                    long k = kk;
                    /* four rows of B at a time: one load/store of C per four multiply-adds */
                    for (; k + 3 < ke; k += 4) {
                        const double a0 = a[i * n + k], a1 = a[i * n + k + 1];
                        const double a2 = a[i * n + k + 2], a3 = a[i * n + k + 3];
                        const double *restrict b0 = b + k * n, *restrict b1 = b0 + n;
                        const double *restrict b2 = b1 + n, *restrict b3 = b2 + n;
                        for (long j = jj; j < je; j++)
                            ci[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
                    }
                    for (; k < ke; k++) {
                        const double ak = a[i * n + k];
                        const double *restrict bk = b + k * n;
                        for (long j = jj; j < je; j++) ci[j] += ak * bk[j];
                    }
                }
            }
        }
    }
}
#else
static void multiply(long n, const double *a, const double *b, double *c)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, a, (int)n, b, (int)n, 0.0,
                c, (int)n);
}
#endif

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1024;
    int ntrials = argc > 2 ? atoi(argv[2]) : 3;
    if (n < 16 || ntrials < 1) {
        fprintf(stderr, "usage: dgemm [N>=16 [NTRIALS>=1]]\n");
        return 2;
    }
    size_t bytes = ((size_t)n * n * sizeof(double) + 63) / 64 * 64;
    double *a = aligned_alloc(64, bytes), *b = aligned_alloc(64, bytes), *c = aligned_alloc(64, bytes);
    if (!a || !b || !c) {
        fprintf(stderr, "dgemm: cannot allocate 3 x %ld^2 doubles\n", n);
        return 2;
    }
    /* Deterministic, non-trivial values in [-1, 1). */
    unsigned long long x = 88172645463325252ULL;
    for (long i = 0; i < n * n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        a[i] = (double)(x >> 11) / 9007199254740992.0 * 2.0 - 1.0;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        b[i] = (double)(x >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    }

    double best = 1e300, worst = 0, sum = 0;
    const double wait0 = sched_wait_seconds(), wall0 = now();
    for (int t = 0; t < ntrials; t++) {
        double t0 = now();
        multiply(n, a, b, c);
        double dt = now() - t0;
        if (dt < best) best = dt;
        if (dt > worst) worst = dt;
        sum += dt;
    }

    const double wall = now() - wall0, wait = sched_wait_seconds() - wait0;

    double maxerr = 0;
    for (int s = 0; s < 256; s++) {
        long i = (s * 7919L) % n, j = (s * 104729L + 13) % n;
        long double ref = 0, mag = 0;
        for (long k = 0; k < n; k++) {
            ref += (long double)a[i * n + k] * b[k * n + j];
            mag += fabsl((long double)a[i * n + k] * b[k * n + j]);
        }
        double err = (double)(fabsl((long double)c[i * n + j] - ref) / (mag > 0 ? mag : 1));
        if (err > maxerr) maxerr = err;
    }
    int ok = maxerr <= 1e-12;

    double flops = 2.0 * n * n * n;
    printf("DGEMM (%s, %d thread%s): N=%ld (%.1f MiB a matrix), %d trials\n", VARIANT, THREADS, THREADS == 1 ? "" : "s",
           n, n * n * 8.0 / 1048576, ntrials);
    printf("best %.3f GFLOP/s (%.4f s); avg %.4f s; worst %.4f s\n", flops / best * 1e-9, best, sum / ntrials,
           worst);
    printf("validation: %s (max relative error %.2e over 256 sampled entries)\n", ok ? "ok" : "FAILED", maxerr);
    printf("RESULT dgemm=%.3f\n", flops / best * 1e-9);
    if (wait0 >= 0) printf("WAIT pct=%.1f\n", 100 * wait / wall); else printf("WAIT pct=n/a\n");
    free(a); free(b); free(c);
    return ok ? 0 : 1;
}
