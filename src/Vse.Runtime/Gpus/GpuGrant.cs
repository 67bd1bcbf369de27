using Vse.Description.Model;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Gpus;

/// <summary>
/// What a <c>gpus</c> request gives an instance on this host: the chosen GPUs' nodes and the
/// control nodes (<see cref="Devices"/>), the driver's libraries and tools bound read-only below
/// <see cref="Directory"/> (<see cref="Mounts"/>), and the environment that makes them found first
/// (<see cref="Env"/>). The host's libcuda wins over an image's own (a CUDA "compat" package, a
/// stub): <c>LD_LIBRARY_PATH</c> is searched before the image's ld cache, while the image's CUDA
/// runtime (libcudart, cuBLAS, …) stays the image's and loads the host's libcuda.so.1 by soname.
/// </summary>
public sealed record GpuGrant(IReadOnlyList<GpuNode> Nodes, IReadOnlyList<InstanceMount> Mounts, IReadOnlyDictionary<string, string> Env)
{
    /// <summary>Where the driver's files appear in an instance: a directory no Debian package uses.</summary>
    public const string Directory = "/usr/local/vse-gpu";

    public IReadOnlyList<InstanceDevice> Devices => [.. Nodes.Select(n => new InstanceDevice(n.Path, n.HostPath))];

    /// <exception cref="GpuRequestException">The host has fewer GPUs than asked for, or not those indices.</exception>
    public static GpuGrant Select(GpuInventory inventory, GpuRequest request)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(request);
        var present = inventory.Gpus.Count == 0 ? "none" : string.Join(", ", inventory.Gpus.Select(g => g.Path));
        List<GpuNode> chosen;
        if (request.All)
        {
            chosen = [.. inventory.Gpus];
            if (chosen.Count == 0)
            {
                throw new GpuRequestException("'gpus: all' asks for the host's GPUs, and this host has none (no /dev/nvidiaN)");
            }
        }
        else if (request.Indices is { } indices)
        {
            var missing = indices.Where(i => inventory.Gpus.All(g => g.Index != i)).ToList();
            if (missing.Count > 0)
            {
                throw new GpuRequestException($"'gpus: {request}' asks for GPU {string.Join(", ", missing)}, which this host does not have (present: {present})");
            }

            chosen = [.. inventory.Gpus.Where(g => indices.Contains(g.Index))];
        }
        else
        {
            if (inventory.Gpus.Count < request.Count)
            {
                throw new GpuRequestException($"'gpus: {request}' asks for {request.Count} GPUs, and this host has {inventory.Gpus.Count} (present: {present})");
            }

            chosen = [.. inventory.Gpus.Take(request.Count)];
        }

        if (inventory.ControlNodes.All(n => n.Path != "/dev/nvidiactl"))
        {
            throw new GpuRequestException("this host has GPU nodes but no /dev/nvidiactl: the NVIDIA driver is not loaded");
        }

        IReadOnlyList<InstanceMount> mounts =
        [
            .. inventory.Libraries.Select(f => new InstanceMount($"{Directory}/lib/{f.Name}", f.HostPath, ReadOnly: true)),
            .. inventory.Tools.Select(f => new InstanceMount($"{Directory}/bin/{f.Name}", f.HostPath, ReadOnly: true)),
        ];
        return new GpuGrant([.. chosen, .. inventory.ControlNodes], mounts, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NVIDIA_VISIBLE_DEVICES"] = string.Join(',', chosen.Select(g => g.Index)),
        });
    }

    /// <summary>The spec with this grant's nodes, read-only driver files and environment added (a device it has already stays once).</summary>
    public InstanceSpec ApplyTo(InstanceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec with
        {
            Devices = [.. spec.Devices ?? [], .. Devices.Where(d => spec.Devices?.All(e => e.Path != d.Path) ?? true)],
            Mounts = [.. spec.Mounts, .. Mounts],
            Env = Apply(spec.Env),
        };
    }

    /// <summary>
    /// The instance's environment with the driver's directories first: <c>PATH</c> (from the
    /// instance's own) and <c>LD_LIBRARY_PATH</c> (before any the description set).
    /// </summary>
    public IReadOnlyDictionary<string, string> Apply(IReadOnlyDictionary<string, string> env)
    {
        var result = new Dictionary<string, string>(env, StringComparer.Ordinal);
        foreach (var (key, value) in Env)
        {
            result[key] = value;
        }

        result["PATH"] = $"{Directory}/bin" + (env.TryGetValue("PATH", out var path) && path.Length > 0 ? ":" + path : "");
        result["LD_LIBRARY_PATH"] = $"{Directory}/lib" + (env.TryGetValue("LD_LIBRARY_PATH", out var library) && library.Length > 0 ? ":" + library : "");
        return result;
    }
}
