using Vse.Host.Processes;

namespace Vse.Runtime.Tests.Gpus;

/// <summary>
/// A fake NVIDIA host below a temporary root (no GPU is at hand here): two GPU nodes, the control
/// nodes and one capability node (character devices made with mknod, numbers of /dev/null so any
/// instance may open them), a packaged libcuda registered in an ld cache listing (a versioned
/// file and its soname link), libnvidia-ml in the driver's directory, a 32-bit libcuda and a link
/// out of the tree (both to be ignored), and an nvidia-smi that says which GPUs it was given.
/// </summary>
internal sealed class FakeGpuHost : IDisposable
{
    private FakeGpuHost(string root) => Root = root;

    public string Root { get; }

    public string LdCacheListing => $"""
        4 libs found in cache `/etc/ld.so.cache'
        	libcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1
        	libcuda.so.1 (libc6) => /usr/lib/i386-linux-gnu/libcuda.so.1
        	libnvidia-ptxjitcompiler.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libnvidia-ptxjitcompiler.so.1
        	libc.so.6 (libc6,x86-64, OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6
        """;

    public static async Task<FakeGpuHost> CreateAsync(string parent)
    {
        var root = Directory.CreateDirectory(Path.Combine(parent, "fake-gpu-host-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var host = new FakeGpuHost(root);
        Directory.CreateDirectory(host.At("dev/nvidia-caps"));
        foreach (var node in new[] { "nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-caps/nvidia-cap1" })
        {
            await ExternalTool.RunAsync("mknod", ["-m", "0666", host.At("dev/" + node), "c", "1", "3"], CancellationToken.None);
        }

        File.WriteAllText(host.At("dev/nvidia-modeset"), "not a device");
        var lib = Directory.CreateDirectory(host.At("usr/lib/x86_64-linux-gnu")).FullName;
        File.WriteAllText(Path.Combine(lib, "libcuda.so.550.54.15"), "host libcuda 550.54.15\n");
        File.CreateSymbolicLink(Path.Combine(lib, "libcuda.so.1"), "libcuda.so.550.54.15");
        File.CreateSymbolicLink(Path.Combine(lib, "libnvidia-ptxjitcompiler.so.1"), "/etc/passwd");
        Directory.CreateDirectory(host.At("usr/lib/i386-linux-gnu"));
        File.WriteAllText(host.At("usr/lib/i386-linux-gnu/libcuda.so.1"), "32-bit\n");
        var driver = Directory.CreateDirectory(host.At("usr/local/nvidia/lib64")).FullName;
        File.WriteAllText(Path.Combine(driver, "libnvidia-ml.so.550.54.15"), "host nvml\n");
        File.CreateSymbolicLink(Path.Combine(driver, "libnvidia-ml.so.1"), "libnvidia-ml.so.550.54.15");
        File.WriteAllText(Path.Combine(driver, "libnvidia-ml.so"), "development link\n");
        File.WriteAllText(Path.Combine(driver, "libcuda.so.1"), "the ld cache's wins\n");
        Directory.CreateDirectory(host.At("usr/local/nvidia/bin"));
        File.WriteAllText(host.At("usr/local/nvidia/bin/nvidia-smi"), "#!/bin/sh\necho \"fake nvidia-smi: GPUs $NVIDIA_VISIBLE_DEVICES\"\n");
        File.SetUnixFileMode(host.At("usr/local/nvidia/bin/nvidia-smi"), (UnixFileMode)0b111_101_101);
        return host;
    }

    public string At(string relative) => Path.Combine(Root, relative);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
