using System.Text.RegularExpressions;
using Vse.Host.FileSystem;
using Vse.Runtime.Host;

namespace Vse.Runtime.Gpus;

/// <summary>
/// Finds the host's NVIDIA GPUs and the driver's user-space files the way the driver installed
/// them, without nvidia-container-cli: device nodes under <c>/dev</c>; libraries from the dynamic
/// linker's cache (<c>ldconfig -p</c>, where a packaged driver registers them) and from the
/// driver's own directory (<c>/usr/local/nvidia/lib64</c>, <c>lib</c>: a driver installed beside
/// the system, as on the H200 host, docs/host-facts.md); tools from <c>/usr/bin</c> and
/// <c>/usr/local/nvidia/bin</c>. Everything is read below a host root, so tests run it on a fake
/// tree (fake nodes, an ld cache listing, fake libraries); the cache listing wins over the
/// directory for a name both have, as the dynamic linker's order would.
/// </summary>
public static partial class GpuDiscovery
{
    /// <summary>The driver's compute and utility libraries (what nvidia-container-cli's "compute,utility" capabilities bind).</summary>
    public static readonly IReadOnlyList<string> LibraryNames =
    [
        "libcuda", "libcudadebugger", "libnvidia-ml", "libnvidia-cfg", "libnvidia-ptxjitcompiler", "libnvidia-nvvm",
        "libnvidia-gpucomp", "libnvidia-allocator", "libnvidia-opencl", "libnvidia-pkcs11", "libnvidia-pkcs11-openssl3",
        "libnvidia-fatbinaryloader", "libnvidia-compiler",
    ];

    /// <summary>The driver's tools an instance may need.</summary>
    public static readonly IReadOnlyList<string> ToolNames =
        ["nvidia-smi", "nvidia-debugdump", "nvidia-persistenced", "nvidia-cuda-mps-control", "nvidia-cuda-mps-server"];

    private static readonly string[] ControlNodeNames = ["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"];
    private static readonly string[] DriverLibraryDirectories = ["usr/local/nvidia/lib64", "usr/local/nvidia/lib"];
    private static readonly string[] ToolDirectories = ["usr/local/nvidia/bin", "usr/bin"];

    /// <summary>This host: <c>/</c> and the cache <c>ldconfig -p</c> prints (none when ldconfig is missing or fails).</summary>
    public static async Task<GpuInventory> DiscoverHostAsync(CancellationToken cancellationToken)
    {
        return Discover("/", await LinkerCache.ListHostAsync(cancellationToken));
    }

    /// <param name="hostRoot">The directory read as the host's <c>/</c>.</param>
    /// <param name="ldCacheListing">What <c>ldconfig -p</c> prints for that host (its paths are below <paramref name="hostRoot"/>).</param>
    public static GpuInventory Discover(string hostRoot, string ldCacheListing)
    {
        ArgumentNullException.ThrowIfNull(ldCacheListing);
        var root = Path.GetFullPath(hostRoot);
        var dev = Path.Combine(root, "dev");
        var gpus = new List<GpuNode>();
        var control = new List<GpuNode>();
        if (Directory.Exists(dev))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dev).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                if (GpuNodeName().Match(name) is { Success: true } match && IsDevice(entry))
                {
                    gpus.Add(new GpuNode(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), "/dev/" + name, entry));
                }
                else if (ControlNodeNames.Contains(name) && IsDevice(entry))
                {
                    control.Add(new GpuNode(-1, "/dev/" + name, entry));
                }
            }

            var caps = Path.Combine(dev, "nvidia-caps");
            if (Directory.Exists(caps))
            {
                control.AddRange(Directory.EnumerateFileSystemEntries(caps).Order(StringComparer.Ordinal).Where(IsDevice)
                    .Select(e => new GpuNode(-1, "/dev/nvidia-caps/" + Path.GetFileName(e), e)));
            }
        }

        return new GpuInventory(root, [.. gpus.OrderBy(g => g.Index)], control, Libraries(root, ldCacheListing), Tools(root));
    }

    private static List<GpuFile> Libraries(string root, string listing)
    {
        var found = new Dictionary<string, GpuFile>(StringComparer.Ordinal);
        foreach (var (name, path) in LinkerCache.Entries64(listing).Where(e => IsDriverLibrary(e.Name)))
        {
            if (!found.ContainsKey(name) && LinkerCache.ResolveRegularFile(root, path) is { } file)
            {
                found[name] = new GpuFile(name, file, "ld cache");
            }
        }

        foreach (var directory in DriverLibraryDirectories.Select(d => Path.Combine(root, d)).Where(Directory.Exists))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                // The soname links (libcuda.so.1) and versioned files; not the unversioned .so of development.
                if (IsDriverLibrary(name) && !name.EndsWith(".so", StringComparison.Ordinal) && !found.ContainsKey(name)
                    && LinkerCache.ResolveRegularFile(root, "/" + Path.GetRelativePath(root, entry)) is { } file)
                {
                    found[name] = new GpuFile(name, file, "/" + Path.GetRelativePath(root, directory));
                }
            }
        }

        return [.. found.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    private static List<GpuFile> Tools(string root)
    {
        var found = new List<GpuFile>();
        foreach (var tool in ToolNames)
        {
            foreach (var directory in ToolDirectories)
            {
                if (LinkerCache.ResolveRegularFile(root, $"/{directory}/{tool}") is { } file)
                {
                    found.Add(new GpuFile(tool, file, "/" + directory));
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>libcuda.so.1, libnvidia-ml.so.550.54.15: a driver library by its stem.</summary>
    private static bool IsDriverLibrary(string fileName)
    {
        var at = fileName.IndexOf(".so", StringComparison.Ordinal);
        return at > 0 && LibraryNames.Contains(fileName[..at]);
    }

    private static bool IsDevice(string path) =>
        Nodes.TryGetStatus(path, followSymlink: true)?.Type is NodeType.CharacterDevice;

    [GeneratedRegex(@"^nvidia([0-9]+)\z")]
    private static partial Regex GpuNodeName();
}
