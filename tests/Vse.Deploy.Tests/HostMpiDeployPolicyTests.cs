using Vse.Description;
using Vse.Description.Layers;
using Vse.Description.Model;
using Vse.Runtime.Mpi;

namespace Vse.Deploy.Tests;

/// <summary>
/// <c>mpi: host</c> at deploy against inventories (discovery itself is tested in Vse.Runtime.Tests):
/// each refusal is a diagnostic at the <c>mpi</c> key with its code; nothing for <c>mpi: image</c>.
/// </summary>
public sealed class HostMpiDeployPolicyTests : IDisposable
{
    private static readonly MpiInventory None = new([], new Dictionary<string, string>(), "the host's dynamic linker cache (ldconfig -p)");

    private readonly string root = Directory.CreateTempSubdirectory("vse-mpi-policy-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static MpiInventory Of(string soname, string file) =>
        new([MpiLibrary.Of(soname, file)!], new Dictionary<string, string> { [soname] = file }, "test");

    private ResolvedDescription Resolve(string mpi)
    {
        var file = Path.Combine(root, "app.vse.yaml");
        File.WriteAllText(file, $"vse: 1\nname: app\nmpi: {mpi}\n");
        var site = Directory.CreateDirectory(Path.Combine(root, "site")).FullName;
        var environment = new Dictionary<string, string> { ["VSE_SITE_DIR"] = site };
        var result = DescriptionResolver.Resolve(file, new ResolveOptions(SearchPath.FromEnvironment(environment, null), environment));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }

    [Fact]
    public void Each_refusal_is_at_the_key_with_its_code()
    {
        var resolved = Resolve("host");
        var model = RuntimeModel.From(resolved);
        var mpich = Of("libmpich.so.12", "/usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2");
        var openMpi = Of("libmpi.so.40", "/usr/lib/x86_64-linux-gnu/libmpi.so.40.30.4");

        var noHost = Assert.Single(DeployPolicy.CheckHostMpi(resolved, model, "sandbox", None, image: null));
        var noImage = Assert.Single(DeployPolicy.CheckHostMpi(resolved, model, "sandbox", mpich, None));
        var mismatch = Assert.Single(DeployPolicy.CheckHostMpi(resolved, model, "sandbox", mpich, openMpi));

        Assert.Equal(("VSE0215", 3, 6), (noHost.Code, noHost.Location.Line, noHost.Location.Column));
        Assert.Equal("VSE0216", noImage.Code);
        Assert.Equal("VSE0217", mismatch.Code);
        Assert.Empty(DeployPolicy.CheckHostMpi(resolved, model, "sandbox", mpich, image: null));
        Assert.Empty(DeployPolicy.CheckHostMpi(resolved, model, "sandbox", mpich, mpich));
        // The VM driver refuses the key in the re-check (VSE0212); nothing is looked for here.
        Assert.Empty(DeployPolicy.CheckHostMpi(resolved, model, "vm", None, image: null));
        Assert.Equal("VSE0212", Assert.Single(DeployPolicy.Recheck(resolved, model, Path.Combine(root, "site"), "vm")).Code);
    }

    [Fact]
    public void The_images_own_mpi_needs_nothing_of_the_host()
    {
        var resolved = Resolve("image");

        Assert.Empty(DeployPolicy.CheckHostMpi(resolved, RuntimeModel.From(resolved), "sandbox", None, None));
    }
}
