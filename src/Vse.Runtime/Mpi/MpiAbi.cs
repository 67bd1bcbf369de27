namespace Vse.Runtime.Mpi;

/// <summary>
/// Which MPI libraries can stand in for which (docs/mpi.md, "ABI check"). A program built against
/// one MPI calls the library by soname and relies on its ABI (handle types, constants, struct
/// layouts): the MPICH ABI initiative keeps <c>libmpi.so.12</c> the same across MPICH, Intel MPI,
/// MVAPICH and Cray MPICH; Open MPI's <c>libmpi.so.40</c> is another ABI. Open MPI has kept that
/// soname from 3.0 to 5.0, so its release series is compared too (<see cref="MpiLibrary.Series"/>).
/// </summary>
public static class MpiAbi
{
    /// <summary>
    /// The libraries of each family an instance gets from the host, by role: the C library first,
    /// then the C++ and Fortran bindings. Names of one role are spellings of one library (Debian
    /// installs MPICH's <c>libmpi.so.12</c> as <c>libmpich.so.12</c>): the host's file is bound under each.
    /// </summary>
    public static readonly IReadOnlyDictionary<MpiFamily, IReadOnlyList<IReadOnlyList<string>>> Roles = new Dictionary<MpiFamily, IReadOnlyList<IReadOnlyList<string>>>
    {
        [MpiFamily.Mpich] =
        [
            ["libmpi.so.12", "libmpich.so.12"],
            ["libmpicxx.so.12", "libmpichcxx.so.12"],
            ["libmpifort.so.12", "libmpichfort.so.12"],
        ],
        [MpiFamily.OpenMpi] =
        [
            ["libmpi.so.40"],
            ["libmpi_cxx.so.40"],
            ["libmpi_mpifh.so.40"],
            ["libmpi_usempif08.so.40"],
            ["libmpi_usempi_ignore_tkr.so.40"],
        ],
    };

    /// <summary>Every soname of an MPI C library vse knows, in the order discovery prefers them.</summary>
    public static IEnumerable<string> CLibraryNames => Roles.Values.SelectMany(r => r[0]);

    /// <summary>The family whose C library has this soname, or null.</summary>
    public static MpiFamily? FamilyOf(string soname) =>
        Roles.Where(r => r.Value[0].Contains(soname)).Select(r => (MpiFamily?)r.Key).FirstOrDefault();

    /// <summary>Why the host's library cannot stand in for the image's, or null when it can.</summary>
    public static string? Mismatch(MpiLibrary host, MpiLibrary image)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(image);
        if (host.Family != image.Family)
        {
            return $"the image's MPI is {image} and the host's is {host}: another ABI, and a program built against one cannot load the other";
        }

        if (host.Family == MpiFamily.OpenMpi)
        {
            if (host.Series is null || image.Series is null)
            {
                return $"the release of {(host.Series is null ? $"the host's {host}" : $"the image's {image}")} cannot be read from its file name, "
                    + "and Open MPI keeps one soname across release series: vse cannot tell whether the two are compatible";
            }

            if (host.Series != image.Series)
            {
                return $"the image's MPI is {image} and the host's is {host}: Open MPI of another release series";
            }
        }

        return null;
    }
}
