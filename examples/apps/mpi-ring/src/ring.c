/*
 * mpi-ring: pass a token once (or RING_LAPS times) around all ranks, then check
 * MPI_Allreduce: the sum of all ranks must be size * (size - 1) / 2.
 * With RING_SCRATCH set to a directory all ranks share (examples/apps/scratch), every
 * rank also writes a file there and, after a barrier, reads the next rank's back.
 * Exit status 0 when every check passes, 1 otherwise.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Rank r writes DIR/rank-r ("rank r on HOST"); once every rank has written (a barrier),
 * each reads the file of rank (r + 1) % size, written on another instance when ranks are
 * one per instance, and checks its content. Returns 1 when this rank's check passed.
 */
static int scratch_check(const char *dir, int rank, int size, const char *host)
{
    char path[4096], got[MPI_MAX_PROCESSOR_NAME + 64];
    int ok = 1;

    snprintf(path, sizeof path, "%s/rank-%d", dir, rank);
    FILE *out = fopen(path, "w");
    if (out == NULL || fprintf(out, "rank %d on %s\n", rank, host) < 0 || fclose(out) != 0) {
        fprintf(stderr, "scratch: rank %d cannot write %s\n", rank, path);
        ok = 0;
    }
    MPI_Barrier(MPI_COMM_WORLD);

    int other = (rank + 1) % size;
    snprintf(path, sizeof path, "%s/rank-%d", dir, other);
    FILE *in = fopen(path, "r");
    if (in == NULL || fgets(got, sizeof got, in) == NULL) {
        fprintf(stderr, "scratch: rank %d cannot read %s\n", rank, path);
        ok = 0;
    } else if (strncmp(got, "rank ", 5) != 0 || atoi(got + 5) != other) {
        fprintf(stderr, "scratch: rank %d read '%s' from %s\n", rank, got, path);
        ok = 0;
    }
    if (in != NULL)
        fclose(in);
    return ok;
}

int main(int argc, char **argv)
{
    int rank, size, len;
    char host[MPI_MAX_PROCESSOR_NAME];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(host, &len);

    const char *laps_env = getenv("RING_LAPS");
    int laps = laps_env != NULL ? atoi(laps_env) : 1;
    if (laps < 1)
        laps = 1;

    printf("rank %d of %d on %s\n", rank, size, host);
    fflush(stdout);

    /* The token is incremented by every rank it passes through. */
    int next = (rank + 1) % size;
    int prev = (rank + size - 1) % size;
    long token = 0;
    int ok = 1;

    if (size > 1) {
        for (int lap = 0; lap < laps; lap++) {
            if (rank == 0) {
                token++;
                MPI_Send(&token, 1, MPI_LONG, next, lap, MPI_COMM_WORLD);
                MPI_Recv(&token, 1, MPI_LONG, prev, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else {
                MPI_Recv(&token, 1, MPI_LONG, prev, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                token++;
                MPI_Send(&token, 1, MPI_LONG, next, lap, MPI_COMM_WORLD);
            }
        }
        if (rank == 0) {
            long expected_token = (long)laps * size;
            printf("ring: token came back as %ld after %d lap(s) (expected %ld)\n",
                   token, laps, expected_token);
            ok = token == expected_token;
        }
    }

    const char *scratch = getenv("RING_SCRATCH");
    if (scratch != NULL && scratch[0] != '\0') {
        int mine_ok = scratch_check(scratch, rank, size, host), all_ok = 0;
        MPI_Allreduce(&mine_ok, &all_ok, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
        if (rank == 0)
            printf("scratch: %d ranks wrote %s/rank-* and read the next rank's back: %s\n",
                   size, scratch, all_ok ? "ok" : "FAILED");
        ok = ok && all_ok;
    }

    long sum = 0, mine = rank;
    MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    long expected_sum = (long)size * (size - 1) / 2;
    if (rank == 0) {
        printf("allreduce: sum of ranks = %ld (expected %ld)\n", sum, expected_sum);
        ok = ok && sum == expected_sum;
        printf("%s\n", ok ? "mpi-ring: OK" : "mpi-ring: FAILED");
    }

    /* Every rank exits with rank 0's verdict. */
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return ok ? 0 : 1;
}
