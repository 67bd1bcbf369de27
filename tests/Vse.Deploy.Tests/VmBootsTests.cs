using Vse.Build.Kernels;
using Vse.Description;
using Vse.Description.Layers;
using Vse.Description.Model;

namespace Vse.Deploy.Tests;

/// <summary>
/// Which kernel a VM deployment boots: a relative <c>os.kernel: path:FILE</c> is relative to the
/// description that names it, wherever vse runs from (it used to be the current directory).
/// </summary>
public sealed class VmBootsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-vm-boots-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void A_relative_path_kernel_is_in_the_description_directory_not_the_current_one()
    {
        var directory = Path.Combine(root, "D");
        var model = RuntimeModel.From(Resolve(directory, "vse: 1\nname: app\nos: {base: busybox, kernel: \"path:./vmlinuz\"}\n"));

        var source = VmBoots.SourceOf(model);

        // The tests run elsewhere: D/vmlinuz is not what the current directory would give.
        Assert.NotEqual(directory, Environment.CurrentDirectory);
        Assert.Equal(new KernelSource(KernelSourceKind.Path, Path.Combine(directory, "vmlinuz")), source);
    }

    [Fact]
    public void Without_os_kernel_it_is_the_default_package()
    {
        var model = RuntimeModel.From(Resolve(root, "vse: 1\nname: app\n"));

        Assert.Equal(KernelSource.Parse(VmBoots.DefaultKernel, "/"), VmBoots.SourceOf(model));
    }

    [Fact]
    public void A_stored_configuration_knows_no_directory_so_a_relative_path_is_refused_and_an_absolute_one_kept()
    {
        var relative = RuntimeModel.FromCanonicalJson("""{"os":{"kernel":"path:./vmlinuz"}}""");
        var absolute = RuntimeModel.FromCanonicalJson("""{"os":{"kernel":"path:/boot/vmlinuz"}}""");

        Assert.Contains("relative path", Assert.Throws<KernelSourceException>(() => VmBoots.SourceOf(relative)).Message);
        Assert.Equal(new KernelSource(KernelSourceKind.Path, "/boot/vmlinuz"), VmBoots.SourceOf(absolute));
    }

    private static ResolvedDescription Resolve(string directory, string text)
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "app.vse.yaml");
        File.WriteAllText(file, text);
        var environment = new Dictionary<string, string> { ["VSE_SITE_DIR"] = Path.Combine(directory, "site") };
        var result = DescriptionResolver.Resolve(file, new ResolveOptions(SearchPath.FromEnvironment(environment, null), environment));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }
}
