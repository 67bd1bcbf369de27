using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vse.Build.Digests;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Locking;

namespace Vse.Build.Kernels;

/// <summary>
/// Kernels ready for a VM's direct boot, one directory per kernel under <c>ROOT/entries/KEY</c>
/// (<c>kernel.json</c>, <c>vmlinux</c>, <c>modules/</c>): the uncompressed vmlinux extracted from
/// the vmlinuz, and only the boot modules with their dependencies (<see cref="BootModules"/>),
/// decompressed, with their load list. vse passes <c>$VSE_HOME/kernels</c> as the root.
/// </summary>
/// <remarks>
/// <para>An entry is made under <c>ROOT/tmp/</c> and renamed into place, so a crash never leaves
/// half an entry under a real name. Callers wanting the same new entry wait on its lock file
/// (<c>ROOT/locks/KEY.lock</c>, flock) and one makes it; should two make it anyway, the one whose
/// rename loses uses the winner's. Nothing is ever changed in a published entry.</para>
/// <para>A second call costs a stat and a small file read: <c>ROOT/sources/</c> maps a fingerprint
/// of the source to its entry. For <c>package:NAME</c> the fingerprint includes the time apt last
/// changed its package lists, so after <c>apt-get update</c> the name is resolved again (one
/// <c>apt-cache show</c>) and a new kernel version gives a new entry; without an update, the same
/// one. For <c>path:FILE</c> it is the file's path, size, modification time and inode, and those
/// of its sibling <c>lib/modules</c>: a changed file is digested again, and an unchanged content
/// finds its entry.</para>
/// </remarks>
public sealed class KernelStore(string root)
{
    /// <summary>
    /// The modules a VM boots with, in load order before dependencies are added: virtio over MMIO
    /// (microvm) and PCI, the root disk, the agent's serial ports, the network, ext4 and 9p for host
    /// mounts, overlay for container roots inside a guest (vse's sandboxes, runc, podman: the
    /// guest has no /lib/modules to load it from later), and veth and bridge for a private
    /// network's fabric inside a guest (docs/runtime.md). A module the kernel has built in, or
    /// lacks, is skipped.
    /// </summary>
    public static readonly IReadOnlyList<string> BootModules =
    [
        "virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci", "virtio_mmio",
        "virtio_blk", "virtio_console", "failover", "net_failover", "virtio_net",
        "crc16", "crc32c_generic", "mbcache", "jbd2", "ext4",
        "fscache", "netfs", "9pnet", "9pnet_virtio", "9p",
        "overlay",
        "bridge", "veth",
    ];

    /// <summary>The layout and content rules of an entry; part of every key, so changing them never reuses an old entry.</summary>
    private const string Format = "vse-kernel-v1";

    private const string RecordFileName = "kernel.json";

    private const string AptLists = "/var/lib/apt/lists";

    /// <summary>A work directory this old belongs to a process that died; a live one is minutes old at most.</summary>
    private static readonly TimeSpan Abandoned = TimeSpan.FromDays(1);

    public string Root { get; } = Path.GetFullPath(root);

    private string EntriesDirectory => Path.Combine(Root, "entries");

    private string SourcesDirectory => Path.Combine(Root, "sources");

    private string TemporaryDirectory => Path.Combine(Root, "tmp");

    private string LocksDirectory => Path.Combine(Root, "locks");

    /// <summary>The kernel <paramref name="source"/> names, fetched and prepared on first use.</summary>
    /// <exception cref="KernelSourceException">The source cannot be used: no such package or file, not a kernel, no PVH entry.</exception>
    public async Task<BootKernel> GetAsync(KernelSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        Directory.CreateDirectory(EntriesDirectory);
        Directory.CreateDirectory(SourcesDirectory);
        Directory.CreateDirectory(TemporaryDirectory);

        var pointer = Path.Combine(SourcesDirectory, Digest(Fingerprint(source)));
        if (File.Exists(pointer) && await LoadAsync((await File.ReadAllTextAsync(pointer, cancellationToken)).Trim(), cancellationToken) is { } known)
        {
            return known;
        }

        var plan = source.Kind == KernelSourceKind.Package
            ? await PlanPackageAsync(source, cancellationToken)
            : await PlanFileAsync(source, cancellationToken);
        var kernel = await LoadAsync(plan.Key, cancellationToken);
        if (kernel is null)
        {
            // One maker per entry: parallel deploys wait for one fetch instead of each downloading ~70 MB.
            await using var entryLock = await StoreLock.AcquireAsync(Path.Combine(LocksDirectory, plan.Key + ".lock"), exclusive: true, cancellationToken);
            kernel = await LoadAsync(plan.Key, cancellationToken) ?? await CreateAsync(source, plan, cancellationToken);
        }

        await WriteAtomicallyAsync(pointer, plan.Key, cancellationToken);
        return kernel;
    }

    private static async Task<KernelPlan> PlanPackageAsync(KernelSource source, CancellationToken cancellationToken)
    {
        var (name, version) = await KernelPackage.ResolveAsync(source.Argument, cancellationToken);
        var identity = $"package:{name}={version}";
        return new KernelPlan(Digest(Format, identity, string.Join(',', BootModules)), identity, PackageName: name, PackageVersion: version);
    }

    private static async Task<KernelPlan> PlanFileAsync(KernelSource source, CancellationToken cancellationToken)
    {
        var image = await File.ReadAllBytesAsync(source.Argument, cancellationToken);
        var release = KernelRelease.Of(image)
            ?? throw new KernelSourceException($"os.kernel {source}: not a Linux kernel (no bzImage header or 'Linux version' banner says its release)");
        var modules = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source.Argument)!, "..", "lib", "modules", release));
        var modulesSource = Directory.Exists(modules) ? modules : null;
        var identity = "file:" + ContentDigest.OfBytes(image);
        return new KernelPlan(Digest(Format, identity, modulesSource ?? "", string.Join(',', BootModules)), identity, Release: release, ModulesSource: modulesSource);
    }

    private async Task<BootKernel> CreateAsync(KernelSource source, KernelPlan plan, CancellationToken cancellationToken)
    {
        RemoveAbandonedWork();
        var work = Path.Combine(TemporaryDirectory, $"{plan.Key}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string image, release;
            string? modulesSource;
            if (plan.PackageName is { } package)
            {
                var tree = await KernelPackage.FetchAsync(package, plan.PackageVersion!, Path.Combine(work, "fetch"), cancellationToken);
                (image, release) = PackageKernel(source, tree);
                modulesSource = Path.Combine(tree, "lib", "modules", release);
            }
            else
            {
                (image, release, modulesSource) = (source.Argument, plan.Release!, plan.ModulesSource);
            }

            var vmlinux = Path.Combine(work, "vmlinux");
            await VmlinuxExtractor.ExtractAsync(image, vmlinux, cancellationToken);
            if (!await Elf64.HasPvhEntryAsync(vmlinux, cancellationToken))
            {
                throw new KernelSourceException($"os.kernel {source}: the kernel has no PVH entry note (built without CONFIG_PVH), so QEMU cannot boot it directly");
            }

            var modules = Path.Combine(work, "modules");
            var staged = await ModuleStager.StageAsync(modulesSource, modules, BootModules, cancellationToken);
            TreeDeleter.Delete(Path.Combine(work, "fetch"), cancellationToken);
            var identity = staged.Loaded.Count == 0
                ? plan.SourceIdentity
                : plan.SourceIdentity + "+modules:" + await ModulesDigestAsync(modules, cancellationToken);
            var record = new KernelRecord(source.ToString(), identity, release, staged.Loaded, staged.BuiltIn, staged.Absent);
            await File.WriteAllTextAsync(Path.Combine(work, RecordFileName), JsonSerializer.Serialize(record, KernelStoreJson.Default.KernelRecord), cancellationToken);
            Publish(work, Path.Combine(EntriesDirectory, plan.Key));
        }
        finally
        {
            TreeDeleter.Delete(work, CancellationToken.None);
        }

        return await LoadAsync(plan.Key, cancellationToken)
            ?? throw new IOException($"kernel store entry {plan.Key} vanished right after it was made");
    }

    /// <summary>The vmlinuz and release of an unpacked kernel image package.</summary>
    private static (string Image, string Release) PackageKernel(KernelSource source, string tree)
    {
        var releases = Directory.Exists(Path.Combine(tree, "lib", "modules"))
            ? Directory.GetDirectories(Path.Combine(tree, "lib", "modules")).Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        var images = releases.Select(release => (Image: Path.Combine(tree, "boot", "vmlinuz-" + release), Release: release)).Where(r => File.Exists(r.Image)).ToList();
        return images.Count == 1
            ? images[0]
            : throw new KernelSourceException($"os.kernel {source}: the package holds no single /boot/vmlinuz-RELEASE with its /lib/modules/RELEASE; is it a kernel image package?");
    }

    /// <summary>The rename that publishes an entry; losing it to a concurrent caller is fine, their entry is the same.</summary>
    private static void Publish(string work, string entry)
    {
        try
        {
            Directory.Move(work, entry);
        }
        catch (IOException) when (File.Exists(Path.Combine(entry, RecordFileName)))
        {
        }
    }

    private async Task<BootKernel?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var entry = Path.Combine(EntriesDirectory, key);
        var recordFile = Path.Combine(entry, RecordFileName);
        if (key.Length == 0 || key.Contains('/') || !File.Exists(recordFile))
        {
            return null;
        }

        var record = JsonSerializer.Deserialize(await File.ReadAllTextAsync(recordFile, cancellationToken), KernelStoreJson.Default.KernelRecord)
            ?? throw new InvalidDataException($"'{recordFile}' is empty");
        return new BootKernel(record.Release, Path.Combine(entry, "vmlinux"), Path.Combine(entry, "modules"), record.Identity);
    }

    /// <summary>The kept modules' content: each load-list path with its file's digest (owners and times left out, so who fetched it does not matter).</summary>
    private static async Task<string> ModulesDigestAsync(string modules, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var relative in await File.ReadAllLinesAsync(Path.Combine(modules, BootKernel.LoadListFileName), cancellationToken))
        {
            text.Append(relative).Append('\0').Append(await ContentDigest.OfFileAsync(Path.Combine(modules, relative), cancellationToken)).Append('\n');
        }

        return ContentDigest.OfBytes(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>What decides, without fetching or reading the kernel, whether a remembered answer still holds (see the class remarks).</summary>
    private static string Fingerprint(KernelSource source)
    {
        var fields = new List<string> { Format, string.Join(',', BootModules), source.ToString() };
        if (source.Kind == KernelSourceKind.Package)
        {
            fields.Add(Stamp(AptLists));
        }
        else
        {
            var file = new FileInfo(source.Argument);
            var target = file.Exists ? file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName : null;
            if (target is null || Nodes.TryGetStatus(target) is not { Type: NodeType.RegularFile } status)
            {
                throw new KernelSourceException($"os.kernel {source}: no such file");
            }

            fields.Add(target);
            fields.Add(Stamp(status));
            fields.Add(Stamp(Path.GetFullPath(Path.Combine(file.DirectoryName!, "..", "lib", "modules"))));
        }

        return string.Join('\n', fields);
    }

    private static string Stamp(string path) => Nodes.TryGetStatus(path) is { } status ? Stamp(status) : "none";

    private static string Stamp(NodeStatus status) => string.Join(
        ':',
        status.Size.ToString(CultureInfo.InvariantCulture),
        status.ModificationTime.UtcTicks.ToString(CultureInfo.InvariantCulture),
        status.Inode.ToString(CultureInfo.InvariantCulture),
        status.FileSystemDevice.ToString(CultureInfo.InvariantCulture));

    private static string Digest(params string[] fields) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', fields))));

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private void RemoveAbandonedWork()
    {
        foreach (var entry in new DirectoryInfo(TemporaryDirectory).EnumerateFileSystemInfos())
        {
            if (DateTime.UtcNow - entry.LastWriteTimeUtc > Abandoned)
            {
                TreeDeleter.Delete(entry.FullName);
            }
        }
    }
}
