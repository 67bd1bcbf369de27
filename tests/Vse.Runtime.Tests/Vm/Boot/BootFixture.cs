using Vse.Build.Bases;
using Vse.Build.Kernels;
using Vse.Host.Processes;
using Vse.Runtime.Tests.Support;
using Vse.Runtime.Vm.Boot;

namespace Vse.Runtime.Tests.Vm.Boot;

/// <summary>
/// What a real boot needs: Debian's generic kernel from the <see cref="KernelStore"/>, an ext4
/// disk made from the busybox base, a test agent that prints a marker and powers off, and the
/// initramfs. The kernel store is the fixed directory the build tests use too (see
/// Vse.Build.Tests' DebianKernelFixture): one ~70 MB fetch per CI run, none on repeated local runs.
/// </summary>
public sealed class BootFixture : IAsyncLifetime
{
    public const string Marker = "VSE-BOOT-OK";

    private static readonly string[] Tools = ["qemu-system-x86_64", "mkfs.ext4", "apt-get", "apt-cache", "dpkg-deb", "xz"];

    private readonly TempDirectory _directory = new("vse-boot-test-");

    public BootFixture()
    {
        Initramfs = new Initramfs(new BusyboxBase(Scratch));
    }

    public static string KernelStoreRoot => TestKernels.StoreRoot;

    public BootKernel? Kernel { get; private set; }

    public string Disk => _directory.Combine("disk.img");

    public string Agent => _directory.Combine("agent");

    public string Cache => _directory.Combine("initramfs");

    public Initramfs Initramfs { get; }

    /// <summary>Where busybox is fetched to when the host has none.</summary>
    public string Scratch => _directory.Path;

    public int? TscKhz { get; private set; }

    private string? Unavailable { get; set; }

    public async Task InitializeAsync()
    {
        var missing = Tools.FirstOrDefault(tool => ExternalTool.Find(tool) is null);
        if (missing is not null)
        {
            Unavailable = $"'{missing}' is not installed";
            return;
        }

        try
        {
            Kernel = await new KernelStore(KernelStoreRoot).GetAsync(KernelSource.Parse("package:linux-image-amd64", "/"), CancellationToken.None);
        }
        catch (ToolFailedException e) when (e.Tool == "apt-get")
        {
            Unavailable = "apt could not download the kernel: " + e.Message;
            return;
        }

        var root = _directory.Combine("rootfs");
        Directory.CreateDirectory(root);
        await new BusyboxBase(Scratch).CreateAsync(root, null, CancellationToken.None);
        await ExternalTool.RunAsync(ExternalTool.Require("mkfs.ext4", "e2fsprogs"), ["-q", "-F", "-d", root, Disk, "64M"], CancellationToken.None);
        // The agent's stand-in: runs as PID 1 on the disk's root after switch_root.
        await File.WriteAllTextAsync(Agent, $"#!/bin/sh\necho \"{Marker} $(uname -r)\" > /dev/console\npoweroff -f\n");
        TscKhz = await BootCommandLine.HostTscKhzAsync(CancellationToken.None);
    }

    /// <summary>The kernel, or the test is skipped (failed under CI=true) saying why there is none.</summary>
    public BootKernel Require()
    {
        if (Kernel is null)
        {
            Requirements.Missing(Unavailable ?? "no kernel");
        }

        return Kernel!;
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
