namespace Vse.Runtime.Mpi;

/// <summary>The MPI ABIs vse can tell apart by a library's soname (docs/mpi.md, "ABI check").</summary>
public enum MpiFamily
{
    /// <summary>The MPICH ABI (<c>libmpi.so.12</c>; Debian names it <c>libmpich.so.12</c>): MPICH, Intel MPI, MVAPICH, Cray MPICH.</summary>
    Mpich,

    /// <summary>Open MPI 3.x to 5.x (<c>libmpi.so.40</c>); its release series is read from the file's libtool version.</summary>
    OpenMpi,
}
