using Vse.Runtime.Mpi;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Mpi;

/// <summary>Where <c>mpi: host</c> finds the host's MPI (the linker cache) and the image's (its library directories), on fake trees.</summary>
public sealed class MpiDiscoveryTests
{
    [Fact]
    public void The_host_mpi_is_what_the_linker_cache_lists_resolved_to_its_versioned_file()
    {
        using var host = new TempDirectory();
        var mpich = FakeMpiTree.Library(host.Path, "libmpich.so.12", "libmpich.so.12.2.2");
        var fortran = FakeMpiTree.Library(host.Path, "libmpichfort.so.12", "libmpichfort.so.12.2.2");
        var listing = FakeMpiTree.Listing("libmpich.so.12", "libmpichfort.so.12", "libc.so.6")
            + "\tlibmpi.so.40 (libc6) => /usr/lib/i386-linux-gnu/libmpi.so.40\n";

        var inventory = HostMpiDiscovery.Discover(host.Path, listing);

        var library = Assert.Single(inventory.Libraries);
        Assert.Equal((MpiFamily.Mpich, "libmpich.so.12", mpich, "2.2"), (library.Family, library.Soname, library.File, library.Version));
        Assert.Equal(fortran, inventory.Files["libmpichfort.so.12"]);
    }

    [Fact]
    public void A_cache_entry_that_leads_out_of_the_root_or_to_nothing_is_not_taken()
    {
        using var host = new TempDirectory();
        var lib = FakeMpiTree.CreateDirectory(host, FakeMpiTree.Multiarch);
        File.CreateSymbolicLink(Path.Combine(lib, "libmpi.so.40"), "/etc/passwd");

        var inventory = HostMpiDiscovery.Discover(host.Path, FakeMpiTree.Listing("libmpi.so.40", "libmpich.so.12"));

        Assert.True(inventory.IsEmpty);
        Assert.Empty(inventory.Files);
    }

    [Fact]
    public void The_image_mpi_is_found_by_name_with_its_version_from_the_file_beside_the_link()
    {
        using var image = new TempDirectory();
        FakeMpiTree.Library(image.Path, "libmpi.so.40", "libmpi.so.40.30.4");
        FakeMpiTree.Library(image.Path, "libmpi_mpifh.so.40", "libmpi_mpifh.so.40.30.3");

        var inventory = ImageMpiInspection.Inspect(image.Path);

        var library = Assert.Single(inventory.Libraries);
        Assert.Equal((MpiFamily.OpenMpi, "/usr/lib/x86_64-linux-gnu/libmpi.so.40.30.4", 30), (library.Family, library.File, library.Series));
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libmpi_mpifh.so.40.30.3", inventory.Files["libmpi_mpifh.so.40"]);
    }

    [Fact]
    public void A_soname_that_is_a_file_itself_still_takes_its_version_from_the_versioned_file_beside_it()
    {
        using var image = new TempDirectory();
        FakeMpiTree.Library(image.Path, "libmpi.so.40.20.0", "libmpi.so.40.20.0");
        FakeMpiTree.Library(image.Path, "libmpi.so.40", "libmpi.so.40");

        var library = Assert.Single(ImageMpiInspection.Inspect(image.Path).Libraries);

        Assert.Equal(("/usr/lib/x86_64-linux-gnu/libmpi.so.40.20.0", 20), (library.File, library.Series));
    }

    [Fact]
    public void A_library_directory_that_is_a_link_is_not_followed_out_of_the_image()
    {
        using var host = new TempDirectory();
        FakeMpiTree.Library(host.Path, "libmpich.so.12", "libmpich.so.12.2.2");
        using var image = new TempDirectory();
        // /usr/local/lib -> the host's directory (absolute): the image must not see the host's MPI through it.
        FakeMpiTree.CreateDirectory(image, "usr/local");
        File.CreateSymbolicLink(image.Combine("usr/local/lib"), host.Combine(FakeMpiTree.Multiarch));

        var inventory = ImageMpiInspection.Inspect(image.Path);

        Assert.True(inventory.IsEmpty);
        Assert.Contains("the image's /usr/lib/x86_64-linux-gnu, /lib/x86_64-linux-gnu, /usr/local/lib", inventory.Searched, StringComparison.Ordinal);
    }
}
