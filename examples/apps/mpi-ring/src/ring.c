/*
 * mpi-ring: pass a token once (or RING_LAPS times) around all ranks, then check
 * MPI_Allreduce: the sum of all ranks must be size * (size - 1) / 2.
 * Exit status 0 when both checks pass, 1 otherwise.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

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
