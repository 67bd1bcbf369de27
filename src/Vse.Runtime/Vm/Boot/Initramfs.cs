using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Vse.Build.Bases;
using Vse.Build.Digests;
using Vse.Build.Kernels;

namespace Vse.Runtime.Vm.Boot;

/// <summary>
/// The initramfs a VM boots with: busybox and the applets <see cref="InitScript"/> calls, the
/// fixed <c>/init</c>, the kernel's boot modules and load list under <c>/lib/modules/RELEASE</c>,
/// and the agent at <c>/vse/agent</c>. Made once per (kernel identity, agent, busybox, init script)
/// and kept in the cache directory under a name derived from them, written to a temporary name and
/// renamed into place, so a crash never leaves half an archive under a real name and concurrent
/// callers may both make it (the loser of the rename uses the winner's).
/// </summary>
/// <param name="busybox">Where busybox comes from: the host's busybox-static, else a fetched one (the busybox base's own logic).</param>
public sealed class Initramfs(BusyboxBase busybox)
{
    /// <summary>
    /// Whether the archive is gzip-compressed. No: under TCG the guest's decompression is emulated
    /// and costs more than QEMU loading ~4 MiB more. Measured on a 2-core host, 12 alternating boots
    /// each of the same archive (5.6 MiB plain, 1.9 MiB gzip): /init started after 1.28 s plain vs
    /// 1.42 s gzip (medians), the whole boot to the agent took 2.78 s vs 3.00 s.
    /// </summary>
    public const bool Compressed = false;

    /// <summary>The archive's layout; part of every key, so changing it never reuses an old archive.</summary>
    private const string Format = "vse-initramfs-v1";

    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Readable = (UnixFileMode)0b110_100_100;
    private const UnixFileMode Directory = Executable;

    private static readonly TimeSpan Abandoned = TimeSpan.FromDays(1);

    private string? _busyboxDigest;

    /// <returns>The path of the initramfs for this kernel and agent, made on first use.</returns>
    public Task<string> GetAsync(BootKernel kernel, string agentBinary, string cacheDirectory, CancellationToken cancellationToken) =>
        GetAsync(kernel, agentBinary, cacheDirectory, Compressed, cancellationToken);

    /// <param name="compressed">Gzip or not; only measurements choose other than <see cref="Compressed"/>.</param>
    internal async Task<string> GetAsync(BootKernel kernel, string agentBinary, string cacheDirectory, bool compressed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var busyboxBinary = await busybox.BinaryAsync(cancellationToken);
        _busyboxDigest ??= await ContentDigest.OfFileAsync(busyboxBinary, cancellationToken);
        var key = string.Join('\0', Format, kernel.Identity, kernel.Release, await ContentDigest.OfFileAsync(agentBinary, cancellationToken),
            _busyboxDigest, ContentDigest.OfBytes(Encoding.UTF8.GetBytes(InitScript.Text)), compressed ? "gzip" : "plain");
        var name = "initramfs-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + (compressed ? ".cpio.gz" : ".cpio");
        var path = Path.Combine(cacheDirectory, name);
        if (File.Exists(path))
        {
            return path;
        }

        System.IO.Directory.CreateDirectory(cacheDirectory);
        RemoveAbandoned(cacheDirectory);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                if (compressed)
                {
                    await using var gzip = new GZipStream(file, CompressionLevel.Optimal);
                    await WriteAsync(new CpioWriter(gzip), kernel, agentBinary, busyboxBinary, cancellationToken);
                }
                else
                {
                    await WriteAsync(new CpioWriter(file), kernel, agentBinary, busyboxBinary, cancellationToken);
                }
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another caller published the same archive first.
            }
        }
        finally
        {
            File.Delete(temporary);
        }

        return path;
    }

    private static async Task WriteAsync(CpioWriter cpio, BootKernel kernel, string agentBinary, string busyboxBinary, CancellationToken cancellationToken)
    {
        var modules = await LoadListAsync(kernel, cancellationToken);
        var modulesRoot = "lib/modules/" + kernel.Release;
        foreach (var directory in new[] { "bin", "dev", "proc", "sys", "newroot", "lib", "lib/modules", modulesRoot, "vse" })
        {
            await cpio.AddDirectoryAsync(directory, Directory, cancellationToken);
        }

        var moduleDirectories = modules.Select(module => Path.GetDirectoryName(module)!).Where(d => d.Length > 0)
            .SelectMany(Ancestors).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var directory in moduleDirectories)
        {
            await cpio.AddDirectoryAsync(modulesRoot + "/" + directory, Directory, cancellationToken);
        }

        // The kernel opens /dev/console for init's output before /init runs, so it must exist before devtmpfs is mounted.
        await cpio.AddCharacterDeviceAsync("dev/console", UnixFileMode.UserRead | UnixFileMode.UserWrite, 5, 1, cancellationToken);
        await cpio.AddFileAsync("bin/busybox", busyboxBinary, Executable, cancellationToken);
        foreach (var applet in InitScript.Applets)
        {
            await cpio.AddSymlinkAsync("bin/" + applet, "busybox", cancellationToken);
        }

        await cpio.AddFileAsync("init", Encoding.UTF8.GetBytes(InitScript.Text + "\n"), Executable, cancellationToken);
        await cpio.AddFileAsync(modulesRoot + "/" + BootKernel.LoadListFileName, kernel.LoadList, Readable, cancellationToken);
        foreach (var module in modules)
        {
            await cpio.AddFileAsync(modulesRoot + "/" + module, Path.Combine(kernel.ModulesDirectory, module), Readable, cancellationToken);
        }

        await cpio.AddFileAsync(InitScript.AgentPath, agentBinary, Executable, cancellationToken);
        await cpio.FinishAsync(cancellationToken);
    }

    /// <summary>The kernel's load list; its paths must stay inside the modules directory, as the store writes them.</summary>
    private static async Task<IReadOnlyList<string>> LoadListAsync(BootKernel kernel, CancellationToken cancellationToken)
    {
        var modules = (await File.ReadAllLinesAsync(kernel.LoadList, cancellationToken)).Where(line => line.Length > 0).ToList();
        var escaping = modules.FirstOrDefault(module => module.StartsWith('/') || module.Split('/').Contains(".."));
        return escaping is null
            ? modules
            : throw new InvalidDataException($"'{kernel.LoadList}': module path '{escaping}' leaves the modules directory");
    }

    /// <summary><c>a/b/c</c> gives <c>a</c>, <c>a/b</c>, <c>a/b/c</c>.</summary>
    private static IEnumerable<string> Ancestors(string relativeDirectory)
    {
        var parts = relativeDirectory.Split('/');
        for (var count = 1; count <= parts.Length; count++)
        {
            yield return string.Join('/', parts[..count]);
        }
    }

    /// <summary>Temporary archives of callers that died; a live one is seconds old.</summary>
    private static void RemoveAbandoned(string cacheDirectory)
    {
        foreach (var file in new DirectoryInfo(cacheDirectory).EnumerateFiles("initramfs-*.tmp"))
        {
            if (DateTime.UtcNow - file.LastWriteTimeUtc > Abandoned)
            {
                file.Delete();
            }
        }
    }
}
