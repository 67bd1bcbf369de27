/* Which MPI library this process runs on: each rank prints the file /proc/self/maps shows for the
 * MPI C library, its device and inode (to compare with the host's file), the first line of
 * MPI_Get_library_version, and an MPI_Allreduce of the ranks (the library really works). */
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    int rank, size, sum = 0, length;
    char version[MPI_MAX_LIBRARY_VERSION_STRING], line[4096], path[4096] = "none";
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Get_library_version(version, &length);
    version[strcspn(version, "\n")] = '\0';
    FILE *maps = fopen("/proc/self/maps", "r");
    while (maps && fgets(line, sizeof line, maps)) {
        char *file = strchr(line, '/');
        if (file && (strstr(file, "/libmpich.so") || strstr(file, "/libmpi.so"))) {
            file[strcspn(file, "\n")] = '\0';
            strcpy(path, file);
            break;
        }
    }
    struct stat status;
    unsigned long long dev = 0, ino = 0;
    if (stat(path, &status) == 0) {
        dev = (unsigned long long)status.st_dev;
        ino = (unsigned long long)status.st_ino;
    }
    printf("rank %d of %d: %s %llu:%llu sum %d; %s\n", rank, size, path, dev, ino, sum, version);
    MPI_Finalize();
    return 0;
}
