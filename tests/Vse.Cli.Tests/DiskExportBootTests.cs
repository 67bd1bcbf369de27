using System.Collections.Concurrent;
using Vse.Build.Kernels;
using Vse.Host.Processes;
using Vse.Testing;

namespace Vse.Cli.Tests;

/// <summary>
/// A <c>qcow2</c> export (the <c>ext4</c> image, converted) boots with plain
/// <c>qemu-system-x86_64</c>, no vse in the loop: Debian's kernel from the tests' shared kernel
/// store, and an initramfs made here by hand (the host's static busybox, the kernel's virtio and
/// ext4 modules, a short /init that mounts <c>/dev/vda</c> and switches to it) as anyone
/// booting the image elsewhere would. The image's own program prints a marker on the serial console.
/// </summary>
public sealed class DiskExportBootTests
{
    private const string Marker = "VSE-QCOW2-EXPORT-BOOTED";

    /// <summary>A hang guard, not a timing: a TCG boot takes seconds, many times that on a loaded machine.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(4);

    /// <summary>The initramfs's /init: the console (the archive has no /dev/console), the modules in the kernel's load order, then the disk's root and its /boot-check.</summary>
    private const string Init = """
        #!/bin/busybox sh
        /bin/busybox mkdir -p /dev /root
        /bin/busybox mount -t devtmpfs dev /dev
        exec > /dev/console 2>&1
        for module in $(/bin/busybox cat /modules.load); do /bin/busybox insmod "/modules/$module"; done
        for second in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; /bin/busybox sleep 1; done
        /bin/busybox mount -t ext4 /dev/vda /root && /bin/busybox mkdir -p /root/dev && /bin/busybox mount -o move /dev /root/dev && exec /bin/busybox switch_root /root /boot-check
        echo "no root file system on /dev/vda"; /bin/busybox reboot -f
        """;

    [SkippableFact]
    public async Task A_qcow2_export_boots_under_plain_qemu_and_runs_the_images_program()
    {
        Requirements.Root();
        var qemu = Requirements.Tool("qemu-system-x86_64");
        var cpio = Requirements.Tool("cpio");
        var busybox = Requirements.Tool("busybox");
        Requirements.Tool("qemu-img");
        using var workspace = new Workspace();
        workspace.Write("disk.vse.yaml", $$"""
            vse: 1
            name: disk
            os:
              base: busybox
            build:
              - id: check
                run: printf '#!/bin/sh\necho "{{Marker}} $(cat /etc/hostname-of-image)"\nreboot -f\n' > /boot-check && chmod 755 /boot-check && echo from-the-disk > /etc/hostname-of-image
            """);
        var disk = Path.Combine(workspace.Root, "disk.qcow2");
        var built = await workspace.RunAsync("build", "disk.vse.yaml", "-o", "qcow2:" + disk);
        Assert.True(built.ExitCode == 0, built.Stderr);

        BootKernel kernel;
        try
        {
            kernel = await new KernelStore(TestKernels.StoreRoot).GetAsync(KernelSource.Parse("package:linux-image-amd64", "/"), CancellationToken.None);
        }
        catch (ToolFailedException e) when (e.Tool == "apt-get")
        {
            Requirements.Missing("apt could not download the kernel: " + e.Message);
            return;
        }

        var initramfs = await InitramfsAsync(workspace, kernel, busybox, cpio);
        var console = new ConcurrentQueue<string>();
        using var guard = new CancellationTokenSource(Guard);
        ExternalTool.Result? result = null;
        try
        {
            result = await ExternalTool.RunUncheckedAsync(
                qemu,
                [
                    "-accel", "tcg", "-M", "pc", "-m", "256", "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none",
                    "-serial", "stdio", "-kernel", kernel.Vmlinux, "-initrd", initramfs, "-append", "console=ttyS0 panic=-1 quiet",
                    "-drive", $"file={disk.Replace(",", ",,", StringComparison.Ordinal)},format=qcow2,if=virtio",
                ],
                guard.Token,
                onOutputLine: console.Enqueue);
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            Assert.Fail($"QEMU was still running after {Guard.TotalMinutes:0} min (hang guard); console:\n{string.Join('\n', console)}");
        }

        Assert.True(console.Any(line => line.Contains($"{Marker} from-the-disk", StringComparison.Ordinal)), $"exit {result?.ExitCode}; console:\n{string.Join('\n', console)}");
    }

    /// <summary>A newc cpio of busybox, the modules listed in the kernel's load order, and <see cref="Init"/>.</summary>
    private static async Task<string> InitramfsAsync(Workspace workspace, BootKernel kernel, string busybox, string cpio)
    {
        var root = Path.Combine(workspace.Root, "initramfs");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.Copy(busybox, Path.Combine(root, "bin", "busybox"));
        var modules = File.ReadAllLines(Path.Combine(kernel.ModulesDirectory, "modules.load")).Where(line => line.Length > 0).ToList();
        foreach (var module in modules)
        {
            var target = Path.Combine(root, "modules", module);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(kernel.ModulesDirectory, module), target);
        }

        await File.WriteAllLinesAsync(Path.Combine(root, "modules.load"), modules);
        await File.WriteAllTextAsync(Path.Combine(root, "init"), Init.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Path.Combine(root, "init"), (UnixFileMode)0b111_101_101);

        // cpio reads the names on its input: find's list, relative, so the archive's root is "."
        var names = string.Join('\n', Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(path => "." + path[root.Length..]).Prepend(".")) + "\n";
        var output = Path.Combine(workspace.Root, "initramfs.cpio");
        using var guard = new CancellationTokenSource(Guard);
        await using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(names));
        var packed = await ExternalTool.RunUncheckedAsync(cpio, ["--create", "--format=newc", "--quiet", "-D", root, "-F", output], guard.Token, standardInput: input);
        Assert.True(packed.ExitCode == 0, packed.Stderr);
        return output;
    }
}
