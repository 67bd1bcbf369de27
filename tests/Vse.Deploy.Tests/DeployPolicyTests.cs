using Vse.Description;
using Vse.Description.Layers;
using Vse.Description.Model;

namespace Vse.Deploy.Tests;

/// <summary>
/// The deploy-time re-check (DESIGN §2.3) reads the site-wide policy file as it is now, and
/// refuses keys a driver does not apply (issue 15, holes 3 and 7) and devices the host lacks (issue 17).
/// </summary>
public sealed class DeployPolicyTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-deploy-policy-").FullName;

    private string Site => Path.Combine(root, "site");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private ResolvedDescription Resolve(string text)
    {
        Directory.CreateDirectory(Site);
        var file = Path.Combine(root, "app.vse.yaml");
        File.WriteAllText(file, text);
        var environment = new Dictionary<string, string> { ["VSE_SITE_DIR"] = Site };
        var result = DescriptionResolver.Resolve(file, new ResolveOptions(SearchPath.FromEnvironment(environment, null), environment));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }

    [SkippableFact]
    public void A_site_wide_policy_written_after_resolve_binds_the_deployment_of_a_description_that_extends_nothing()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        var resolved = Resolve("vse: 1\nname: app\nmounts: {/host-etc: {source: /etc}}\n");
        File.WriteAllText(Path.Combine(Site, "policy.vse.yaml"), "vse: 1\npolicy:\n  allow:\n    mounts: [/scratch/**]\n    drivers: [vm]\n");

        var diagnostics = DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "sandbox");

        Assert.Equal(["VSE0603", "VSE0605"], diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal));
    }

    /// <summary>A description whose devices the site-wide policy allows (any under /dev): what is left is the host check.</summary>
    private ResolvedDescription ResolveAllowed(string devices)
    {
        Directory.CreateDirectory(Site);
        File.WriteAllText(Path.Combine(Site, "policy.vse.yaml"), "vse: 1\npolicy:\n  allow:\n    devices: [/dev/**]\n");
        return Resolve($"vse: 1\nname: app\ndevices: {devices}\n");
    }

    [SkippableFact]
    public void Devices_are_refused_for_the_vm_driver_with_the_reason()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        var resolved = ResolveAllowed("[/dev/null]");

        var error = Assert.Single(DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "vm"));

        Assert.Equal(("VSE0212", 3), (error.Code, error.Location.Line));
        Assert.Contains("the VM driver passes no host device through", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_device_the_host_has_passes_for_the_sandbox_driver()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        var resolved = ResolveAllowed("[/dev/null]");

        Assert.Empty(DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "sandbox"));
    }

    [SkippableTheory]
    [InlineData("/dev/vse-no-such-device", "does not exist on this host")]
    [InlineData("/dev/shm", "is not a device node on this host (a directory)")]
    public void A_device_that_is_not_a_device_node_here_is_a_clear_error(string device, string reason)
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        Skip.IfNot(Directory.Exists("/dev/shm") || device != "/dev/shm", "this host has no /dev/shm");
        var resolved = ResolveAllowed($"[{device}]");

        var error = Assert.Single(DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "sandbox"));

        Assert.Equal(("VSE0213", 3), (error.Code, error.Location.Line));
        Assert.Contains($"device '{device}' cannot be given to instances: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_devices_no_error()
    {
        var resolved = Resolve("vse: 1\nname: app\n");

        Assert.Empty(DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "sandbox"));
    }
}

/// <summary><c>gpus</c> at deploy against an inventory (the fake tree's shape; discovery itself is tested in Vse.Runtime.Tests).</summary>
public sealed class GpuDeployPolicyTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-gpu-policy-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static readonly Vse.Runtime.Gpus.GpuInventory TwoGpus = new("/", [new(0, "/dev/nvidia0", "/dev/nvidia0"), new(1, "/dev/nvidia1", "/dev/nvidia1")],
        [new(-1, "/dev/nvidiactl", "/dev/nvidiactl"), new(-1, "/dev/nvidia-uvm", "/dev/nvidia-uvm")], [], []);

    private (ResolvedDescription Resolved, string Site) Resolve(string gpus, string allow)
    {
        var site = Directory.CreateDirectory(Path.Combine(root, "site")).FullName;
        File.WriteAllText(Path.Combine(site, "policy.vse.yaml"), $"vse: 1\npolicy:\n  allow:\n    devices: {allow}\n");
        var file = Path.Combine(root, "app.vse.yaml");
        File.WriteAllText(file, $"vse: 1\nname: app\ngpus: {gpus}\n");
        var environment = new Dictionary<string, string> { ["VSE_SITE_DIR"] = site };
        var result = DescriptionResolver.Resolve(file, new ResolveOptions(SearchPath.FromEnvironment(environment, null), environment));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return (result.Description!, site);
    }

    [SkippableFact]
    public void Gpus_the_host_has_and_the_site_allows_pass()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        var (resolved, site) = Resolve("2", "[/dev/nvidia*]");

        Assert.Empty(DeployPolicy.CheckGpus(resolved, RuntimeModel.From(resolved), site, "sandbox", TwoGpus));
    }

    [SkippableFact]
    public void A_gpu_node_the_site_does_not_allow_is_refused_at_deploy()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        var (resolved, site) = Resolve("all", "[/dev/nvidiactl, /dev/nvidia-uvm, /dev/nvidia0]");

        var error = Assert.Single(DeployPolicy.CheckGpus(resolved, RuntimeModel.From(resolved), site, "sandbox", TwoGpus));

        Assert.Equal(("VSE0609", 3), (error.Code, error.Location.Line));
        Assert.Contains("'gpus: all' gives device '/dev/nvidia1', which is not allowed by site policy", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void More_gpus_than_the_host_has_is_a_clear_error_and_a_vm_refuses_gpus()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        var (resolved, site) = Resolve("3", "[/dev/nvidia*]");
        var model = RuntimeModel.From(resolved);

        var error = Assert.Single(DeployPolicy.CheckGpus(resolved, model, site, "sandbox", TwoGpus));
        var vm = Assert.Single(DeployPolicy.Recheck(resolved, model, site, "vm"));

        Assert.Equal("VSE0214", error.Code);
        Assert.Contains("asks for 3 GPUs, and this host has 2", error.Message, StringComparison.Ordinal);
        Assert.Equal("VSE0212", vm.Code);
    }
}
