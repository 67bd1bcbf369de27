using Vse.Description.Diagnostics;
using Vse.Runtime.Drivers;
using Vse.Runtime.Mpi;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Mpi;

/// <summary>
/// What <c>mpi: host</c> binds and when it refuses (issue 17, item 4), on fake trees; the real
/// host's MPICH and its fabric closure in the last test (<c>ldd</c>), and end to end in
/// Vse.Cli.Tests' HostMpiCommandTests.
/// </summary>
public sealed class HostMpiGrantTests
{
    private static MpiInventory Host(TempDirectory host, params (string Soname, string File)[] libraries)
    {
        foreach (var (soname, file) in libraries)
        {
            FakeMpiTree.Library(host.Path, soname, file);
        }

        return HostMpiDiscovery.Discover(host.Path, FakeMpiTree.Listing([.. libraries.Select(l => l.Soname)]));
    }

    private static MpiInventory Image(TempDirectory image, params (string Soname, string File)[] libraries)
    {
        foreach (var (soname, file) in libraries)
        {
            FakeMpiTree.Library(image.Path, soname, file);
        }

        return ImageMpiInspection.Inspect(image.Path);
    }

    [Fact]
    public void The_hosts_mpich_is_bound_read_only_under_both_spellings_of_each_role()
    {
        using var host = new TempDirectory();
        using var image = new TempDirectory();
        var hostMpi = Host(host, ("libmpich.so.12", "libmpich.so.12.2.2"), ("libmpichfort.so.12", "libmpichfort.so.12.2.2"), ("libmpi.so.40", "libmpi.so.40.30.4"));

        var grant = HostMpiGrant.Select(hostMpi, Image(image, ("libmpi.so.12", "libmpi.so.12.0.0")));

        var lib = host.Combine(FakeMpiTree.Multiarch);
        Assert.Equal(
            [
                ("/usr/local/vse-mpi/lib/libmpi.so.12", lib + "/libmpich.so.12.2.2"),
                ("/usr/local/vse-mpi/lib/libmpich.so.12", lib + "/libmpich.so.12.2.2"),
                ("/usr/local/vse-mpi/lib/libmpifort.so.12", lib + "/libmpichfort.so.12.2.2"),
                ("/usr/local/vse-mpi/lib/libmpichfort.so.12", lib + "/libmpichfort.so.12.2.2"),
            ],
            grant.Mounts.Select(m => (m.Target, m.Source)));
        Assert.All(grant.Mounts, m => Assert.True(m.ReadOnly));
        Assert.Equal(MpiFamily.Mpich, grant.Host.Family);
    }

    [Fact]
    public void Of_several_host_mpis_the_one_of_the_images_family_is_chosen()
    {
        using var host = new TempDirectory();
        using var image = new TempDirectory();
        var hostMpi = Host(host, ("libmpich.so.12", "libmpich.so.12.2.2"), ("libmpi.so.40", "libmpi.so.40.30.4"));

        var grant = HostMpiGrant.Select(hostMpi, Image(image, ("libmpi.so.40", "libmpi.so.40.30.4")));

        Assert.Equal(["/usr/local/vse-mpi/lib/libmpi.so.40"], grant.Mounts.Select(m => m.Target));
    }

    [Theory]
    [InlineData("libmpich.so.12", "libmpich.so.12.2.2", "libmpi.so.40", "libmpi.so.40.30.4", "another ABI")]
    [InlineData("libmpi.so.40", "libmpi.so.40.30.4", "libmpi.so.40", "libmpi.so.40.20.0", "Open MPI of another release series")]
    [InlineData("libmpi.so.40", "libmpi.so.40.30.4", "libmpich.so.12", "libmpich.so.12.2.2", "another ABI")]
    public void A_mismatched_pair_is_refused_with_the_reason(string hostSoname, string hostFile, string imageSoname, string imageFile, string reason)
    {
        using var host = new TempDirectory();
        using var image = new TempDirectory();

        var error = Assert.Throws<HostMpiRefusedException>(() => HostMpiGrant.Select(Host(host, (hostSoname, hostFile)), Image(image, (imageSoname, imageFile))));

        Assert.Equal(DiagnosticCodes.MpiAbiMismatch, error.Code);
        Assert.StartsWith("'mpi: host' refused: the image's MPI is ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_without_mpi_and_an_image_without_mpi_are_refused_each_with_its_own_code()
    {
        using var host = new TempDirectory();
        using var image = new TempDirectory();
        var none = Host(host);
        var hostMpi = HostMpiDiscovery.Discover(host.Path, "");

        var noHost = Assert.Throws<HostMpiRefusedException>(() => HostMpiGrant.RequireHost(none));
        using var other = new TempDirectory();
        var withMpi = Host(other, ("libmpich.so.12", "libmpich.so.12.2.2"));
        var noImage = Assert.Throws<HostMpiRefusedException>(() => HostMpiGrant.Select(withMpi, Image(image)));

        Assert.True(hostMpi.IsEmpty);
        Assert.Equal(DiagnosticCodes.HostMpiMissing, noHost.Code);
        Assert.Contains("this host has none: no libmpi.so.12, libmpich.so.12, libmpi.so.40 in the host's dynamic linker cache (ldconfig -p)", noHost.Message, StringComparison.Ordinal);
        Assert.Equal(DiagnosticCodes.ImageMpiMissing, noImage.Code);
        Assert.Contains("the image has none", noImage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dependencies_are_bound_beside_it_except_the_images_c_runtime_and_names_bound_already()
    {
        using var host = new TempDirectory();
        using var image = new TempDirectory();
        var grant = HostMpiGrant.Select(Host(host, ("libmpich.so.12", "libmpich.so.12.2.2")), Image(image, ("libmpich.so.12", "libmpich.so.12.2.2")));
        var ucx = FakeMpiTree.Library(host.Path, "libucp.so.0.0.0", "libucp.so.0.0.0");
        var ldd = $"""
            	linux-vdso.so.1 (0x00007ffd4a7f2000)
            	libhwloc.so.15 => not found
            	libucp.so.0 => {ucx} (0x00007f0a1c000000)
            	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0a1b000000)
            	libstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f0a1a000000)
            	libmpich.so.12 => /elsewhere/libmpich.so.12 (0x00007f0a19000000)
            	/lib64/ld-linux-x86-64.so.2 (0x00007f0a1d000000)
            """;

        var parsed = HostMpiGrant.ParseLdd(ldd).ToList();
        var with = grant.WithDependencies(parsed);

        Assert.Equal(["libucp.so.0", "libc.so.6", "libstdc++.so.6", "libmpich.so.12"], parsed.Select(d => d.Name));
        var added = Assert.Single(with.Mounts.Except(grant.Mounts));
        Assert.Equal(new InstanceMount("/usr/local/vse-mpi/lib/libucp.so.0", ucx, ReadOnly: true), added);
    }

    [Fact]
    public void The_library_directory_goes_first_on_the_loader_path()
    {
        using var host = new TempDirectory();
        using var image = new TempDirectory();
        var grant = HostMpiGrant.Select(Host(host, ("libmpich.so.12", "libmpich.so.12.2.2")), Image(image, ("libmpich.so.12", "libmpich.so.12.2.2")));
        var spec = new InstanceSpec("i", "h", "/r", "/s", new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = "/opt/app/lib" }, [], null, null, NetworkMode.None, []);

        var applied = grant.ApplyTo(spec);

        Assert.Equal("/usr/local/vse-mpi/lib:/opt/app/lib", applied.Env["LD_LIBRARY_PATH"]);
        Assert.Equal(grant.Mounts, applied.Mounts);
        Assert.Equal("/usr/local/vse-mpi/lib", grant.ApplyTo(spec with { Env = new Dictionary<string, string>() }).Env["LD_LIBRARY_PATH"]);
    }

    [SkippableFact]
    public async Task The_real_host_mpich_brings_its_fabric_libraries_and_not_libc()
    {
        var hostMpi = await HostMpiDiscovery.DiscoverHostAsync(CancellationToken.None);
        Skip.IfNot(hostMpi.Files.ContainsKey("libmpich.so.12"), "this host has no MPICH in its linker cache (scripts/install-deps.sh installs libmpich-dev)");
        using var image = new TempDirectory();
        var grant = HostMpiGrant.Select(hostMpi, Image(image, ("libmpich.so.12", "libmpich.so.12.2.2")));

        var with = grant.WithDependencies(await grant.DependenciesAsync(CancellationToken.None));

        var names = with.Mounts.Select(m => Path.GetFileName(m.Target)).ToList();
        Assert.Contains("libucp.so.0", names);
        Assert.Contains("libhwloc.so.15", names);
        Assert.DoesNotContain("libc.so.6", names);
        Assert.All(with.Mounts, m => Assert.True(File.Exists(m.Source) && m.ReadOnly));
    }
}
