using Vse.Runtime.Mpi;

namespace Vse.Runtime.Tests.Mpi;

/// <summary>The ABI rule of <c>mpi: host</c> (issue 17, item 4): which host MPI may stand in for an image's.</summary>
public sealed class MpiAbiTests
{
    [Theory]
    [InlineData("libmpich.so.12", "/usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2", MpiFamily.Mpich, "2.2", null)]
    [InlineData("libmpi.so.12", "/opt/intel/mpi/lib/libmpi.so.12.0.0", MpiFamily.Mpich, "0.0", null)]
    [InlineData("libmpi.so.40", "/usr/lib/x86_64-linux-gnu/libmpi.so.40.30.4", MpiFamily.OpenMpi, "30.4", 30)]
    [InlineData("libmpi.so.40", "/opt/ompi/lib/libmpi.so.40", MpiFamily.OpenMpi, null, null)]
    [InlineData("libmpi.so.40", "/opt/ompi/lib/libmpi.so.40.x", MpiFamily.OpenMpi, null, null)]
    public void A_library_is_known_by_its_soname_and_versioned_by_its_file_name(string soname, string file, MpiFamily family, string? version, int? series)
    {
        var library = MpiLibrary.Of(soname, file)!;

        Assert.Equal((family, version, series), (library.Family, library.Version, library.Series));
    }

    [Theory]
    [InlineData("libmpi.so.13")]
    [InlineData("libmpi.so.20")]
    [InlineData("libmpich.so.10")]
    [InlineData("libmpicxx.so.12")]
    public void Other_sonames_are_no_mpi_c_library(string soname) => Assert.Null(MpiLibrary.Of(soname, "/lib/" + soname));

    [Theory]
    [InlineData("libmpich.so.12", "libmpich.so.12.2.2", "libmpich.so.12", "libmpich.so.12.1.0")]
    [InlineData("libmpi.so.12", "libmpi.so.12.0.0", "libmpich.so.12", "libmpich.so.12.2.2")]
    [InlineData("libmpi.so.40", "libmpi.so.40.30.4", "libmpi.so.40", "libmpi.so.40.30.1")]
    public void Libraries_of_one_abi_stand_in_for_each_other(string hostSoname, string hostFile, string imageSoname, string imageFile) =>
        Assert.Null(MpiAbi.Mismatch(MpiLibrary.Of(hostSoname, "/h/" + hostFile)!, MpiLibrary.Of(imageSoname, "/i/" + imageFile)!));

    [Theory]
    [InlineData("libmpich.so.12", "libmpich.so.12.2.2", "libmpi.so.40", "libmpi.so.40.30.4", "the image's MPI is Open MPI series libmpi.so.40.30 (/i/libmpi.so.40.30.4) and the host's is MPICH ABI (libmpich.so.12, /h/libmpich.so.12.2.2): another ABI")]
    [InlineData("libmpi.so.40", "libmpi.so.40.30.4", "libmpi.so.12", "libmpi.so.12.0.0", "the image's MPI is MPICH ABI (libmpi.so.12, /i/libmpi.so.12.0.0) and the host's is Open MPI series libmpi.so.40.30 (/h/libmpi.so.40.30.4): another ABI")]
    [InlineData("libmpi.so.40", "libmpi.so.40.30.4", "libmpi.so.40", "libmpi.so.40.20.0", "Open MPI of another release series")]
    [InlineData("libmpi.so.40", "libmpi.so.40", "libmpi.so.40", "libmpi.so.40.30.4", "the release of the host's Open MPI of unknown release (/h/libmpi.so.40) cannot be read from its file name")]
    [InlineData("libmpi.so.40", "libmpi.so.40.30.4", "libmpi.so.40", "libmpi.so.40", "the release of the image's Open MPI of unknown release (/i/libmpi.so.40) cannot be read")]
    public void Another_abi_or_release_series_is_refused_with_both_named(string hostSoname, string hostFile, string imageSoname, string imageFile, string reason) =>
        Assert.Contains(reason, MpiAbi.Mismatch(MpiLibrary.Of(hostSoname, "/h/" + hostFile)!, MpiLibrary.Of(imageSoname, "/i/" + imageFile)!), StringComparison.Ordinal);
}
