using Vse.Description.Model;
using Vse.Runtime.Gpus;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Gpus;

/// <summary>
/// GPU discovery and selection on a fake device tree (issue 17, item 3; no GPU here): what is
/// found, where from, what is left out and why, and what a request gives an instance.
/// </summary>
public sealed class GpuDiscoveryTests
{
    private static async Task<(FakeGpuHost Host, GpuInventory Inventory)> DiscoverAsync(TempDirectory directory)
    {
        Requirements.Root();
        var host = await FakeGpuHost.CreateAsync(directory.Path);
        return (host, GpuDiscovery.Discover(host.Root, host.LdCacheListing));
    }

    [SkippableFact]
    public async Task Nodes_libraries_and_tools_are_found_the_way_the_driver_installed_them()
    {
        using var directory = new TempDirectory();
        var (host, inventory) = await DiscoverAsync(directory);
        using var _ = host;

        Assert.Equal([(0, "/dev/nvidia0"), (1, "/dev/nvidia1")], inventory.Gpus.Select(g => (g.Index, g.Path)));
        Assert.Equal(host.At("dev/nvidia0"), inventory.Gpus[0].HostPath);
        // nvidia-modeset here is a regular file: not a device, not taken.
        Assert.Equal(["/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidiactl", "/dev/nvidia-caps/nvidia-cap1"], inventory.ControlNodes.Select(n => n.Path));
        // libcuda from the ld cache (its soname, the file it resolves to; the 64-bit one), libnvidia-ml
        // from the driver's directory; the driver directory's own libcuda.so.1 loses to the cache's;
        // a link out of the tree (ptxjitcompiler -> /etc/passwd) and the development .so are not taken.
        Assert.Equal(
            [("libcuda.so.1", host.At("usr/lib/x86_64-linux-gnu/libcuda.so.550.54.15"), "ld cache"),
             ("libnvidia-ml.so.1", host.At("usr/local/nvidia/lib64/libnvidia-ml.so.550.54.15"), "/usr/local/nvidia/lib64"),
             ("libnvidia-ml.so.550.54.15", host.At("usr/local/nvidia/lib64/libnvidia-ml.so.550.54.15"), "/usr/local/nvidia/lib64")],
            inventory.Libraries.Select(l => (l.Name, l.HostPath, l.Origin)));
        Assert.Equal([("nvidia-smi", "/usr/local/nvidia/bin")], inventory.Tools.Select(t => (t.Name, t.Origin)));
    }

    [Fact]
    public void A_host_without_nvidia_has_an_empty_inventory()
    {
        using var directory = new TempDirectory();

        var inventory = GpuDiscovery.Discover(directory.Path, "");

        Assert.True(inventory.IsEmpty);
        Assert.Empty(inventory.Libraries);
    }

    [SkippableTheory]
    [InlineData("all", "/dev/nvidia0 /dev/nvidia1", "0,1")]
    [InlineData("1", "/dev/nvidia0", "0")]
    [InlineData("1,0", "/dev/nvidia0 /dev/nvidia1", "0,1")]
    [InlineData("0,1", "/dev/nvidia0 /dev/nvidia1", "0,1")]
    [InlineData("[1]", "/dev/nvidia1", "1")]
    public async Task A_request_gives_the_chosen_gpus_the_control_nodes_and_the_driver_files_read_only(string request, string gpus, string visible)
    {
        using var directory = new TempDirectory();
        var (host, inventory) = await DiscoverAsync(directory);
        using var _ = host;

        var grant = GpuGrant.Select(inventory, GpuRequest.Parse(request));

        Assert.Equal(gpus.Split(' '), grant.Nodes.Where(n => n.Index >= 0).Select(n => n.Path));
        Assert.Contains(grant.Devices, d => d.Path == "/dev/nvidiactl" && d.HostPath == host.At("dev/nvidiactl"));
        Assert.All(grant.Mounts, m => Assert.True(m.ReadOnly));
        Assert.Contains(grant.Mounts, m => m.Target == "/usr/local/vse-gpu/lib/libcuda.so.1" && m.Source == host.At("usr/lib/x86_64-linux-gnu/libcuda.so.550.54.15"));
        Assert.Contains(grant.Mounts, m => m.Target == "/usr/local/vse-gpu/bin/nvidia-smi");
        Assert.Equal(visible, grant.Env["NVIDIA_VISIBLE_DEVICES"]);
    }

    [SkippableTheory]
    [InlineData("3", "asks for 3 GPUs, and this host has 2 (present: /dev/nvidia0, /dev/nvidia1)")]
    [InlineData("0,2", "'gpus: [0,2]' asks for GPU 2, which this host does not have")]
    [InlineData("[2]", "'gpus: [2]' asks for GPU 2, which this host does not have")]
    public async Task A_request_the_host_cannot_meet_says_what_is_there(string request, string message)
    {
        using var directory = new TempDirectory();
        var (host, inventory) = await DiscoverAsync(directory);
        using var _ = host;

        var error = Assert.Throws<GpuRequestException>(() => GpuGrant.Select(inventory, GpuRequest.Parse(request)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_on_a_host_without_gpus_is_refused()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<GpuRequestException>(() => GpuGrant.Select(GpuDiscovery.Discover(directory.Path, ""), GpuRequest.Parse("all")));

        Assert.Contains("this host has none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_driver_directories_come_first_in_the_instance_environment()
    {
        var grant = new GpuGrant([], [], new Dictionary<string, string> { ["NVIDIA_VISIBLE_DEVICES"] = "0" });

        var env = grant.Apply(new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["LD_LIBRARY_PATH"] = "/opt/cuda/lib64" });

        Assert.Equal("/usr/local/vse-gpu/bin:/usr/bin:/bin", env["PATH"]);
        Assert.Equal("/usr/local/vse-gpu/lib:/opt/cuda/lib64", env["LD_LIBRARY_PATH"]);
        Assert.Equal("0", env["NVIDIA_VISIBLE_DEVICES"]);
    }
}
