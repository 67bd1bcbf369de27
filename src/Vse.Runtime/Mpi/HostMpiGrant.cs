using System.Text.RegularExpressions;
using Vse.Description.Diagnostics;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Mpi;

/// <summary>
/// What <c>mpi: host</c> gives an instance (docs/mpi.md): the host's MPI libraries of the image's
/// family, bound read-only below <see cref="Directory"/> under every name the image may load them
/// by, with the libraries they need (the fabric: libfabric, UCX, PSM, verbs, hwloc, …), and
/// <c>LD_LIBRARY_PATH</c> that puts the directory before the image's own. The C runtime stays the
/// image's (<see cref="ImageRuntimeLibraries"/>).
/// </summary>
public sealed partial record HostMpiGrant(MpiLibrary Host, MpiLibrary Image, IReadOnlyList<InstanceMount> Mounts)
{
    /// <summary>Where the host's MPI appears in an instance: a directory no Debian package uses.</summary>
    public const string Directory = "/usr/local/vse-mpi/lib";

    /// <summary>
    /// Libraries of the C and C++ runtime, never bound from the host: the image's loader and libc
    /// must stay one pair, and its programs were built against its own libstdc++ and libgcc_s.
    /// </summary>
    public static readonly IReadOnlySet<string> ImageRuntimeLibraries = new HashSet<string>(StringComparer.Ordinal)
    {
        "linux-vdso.so.1", "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libmvec.so.1", "libpthread.so.0", "libdl.so.2", "librt.so.1",
        "libresolv.so.2", "libutil.so.1", "libanl.so.1", "libnsl.so.1", "libBrokenLocale.so.1", "libgcc_s.so.1", "libstdc++.so.6",
    };

    /// <summary>The host's library to stand in for the image's, by the ABI rule (<see cref="MpiAbi.Mismatch"/>).</summary>
    /// <exception cref="HostMpiRefusedException">No MPI on either side, or none of the host's shares the image's ABI.</exception>
    public static HostMpiGrant Select(MpiInventory host, MpiInventory image)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireHost(host);
        if (image.IsEmpty)
        {
            throw new HostMpiRefusedException(DiagnosticCodes.ImageMpiMissing,
                $"'mpi: host' stands the host's MPI in for the image's, and the image has none: no {string.Join(", ", MpiAbi.CLibraryNames)} in {image.Searched}");
        }

        var wanted = image.Libraries[0];
        var candidates = host.Libraries.Where(h => h.Family == wanted.Family).ToList();
        var reasons = (candidates.Count == 0 ? host.Libraries : candidates).Select(h => (Host: h, Reason: MpiAbi.Mismatch(h, wanted))).ToList();
        if (reasons.FirstOrDefault(r => r.Reason is null).Host is not { } chosen)
        {
            throw new HostMpiRefusedException(DiagnosticCodes.MpiAbiMismatch, $"'mpi: host' refused: {reasons[0].Reason}");
        }

        var mounts = new List<InstanceMount>();
        foreach (var role in MpiAbi.Roles[chosen.Family])
        {
            // The host's file of this role, bound under each spelling of it (libmpi.so.12 and libmpich.so.12).
            var file = role == MpiAbi.Roles[chosen.Family][0] ? chosen.File : role.Where(host.Files.ContainsKey).Select(n => host.Files[n]).FirstOrDefault();
            if (file is not null)
            {
                mounts.AddRange(role.Select(name => new InstanceMount($"{Directory}/{name}", file, ReadOnly: true)));
            }
        }

        return new HostMpiGrant(chosen, wanted, mounts);
    }

    /// <summary>
    /// <see cref="Select"/> with the host libraries the chosen one needs bound beside it
    /// (<see cref="DependenciesAsync"/>, <see cref="WithDependencies"/>): the whole grant, made once
    /// per deployment by whoever looked at the host.
    /// </summary>
    /// <exception cref="HostMpiRefusedException">As <see cref="Select"/>.</exception>
    public static async Task<HostMpiGrant> SelectWithDependenciesAsync(MpiInventory host, MpiInventory image, CancellationToken cancellationToken)
    {
        var grant = Select(host, image);
        return grant.WithDependencies(await grant.DependenciesAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>What can be checked before the image is built: that the host has an MPI at all.</summary>
    /// <exception cref="HostMpiRefusedException">It has none.</exception>
    public static void RequireHost(MpiInventory host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.IsEmpty)
        {
            throw new HostMpiRefusedException(DiagnosticCodes.HostMpiMissing,
                $"'mpi: host' binds the host's MPI, and this host has none: no {string.Join(", ", MpiAbi.CLibraryNames)} in {host.Searched}");
        }
    }

    /// <summary>The host files the grant's libraries need, by soname, as the host's loader resolves them (<c>ldd</c>).</summary>
    public async Task<IReadOnlyList<(string Name, string Path)>> DependenciesAsync(CancellationToken cancellationToken)
    {
        var ldd = ExternalTool.Require("ldd", "libc-bin");
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var library in Mounts.Select(m => m.Source).Distinct(StringComparer.Ordinal))
        {
            var result = await ExternalTool.RunAsync(ldd, [library], cancellationToken);
            foreach (var dependency in ParseLdd(result.Stdout))
            {
                found.TryAdd(dependency.Name, dependency.Path);
            }
        }

        return [.. found.Select(d => (d.Key, d.Value))];
    }

    /// <summary>The <c>NAME => PATH (ADDRESS)</c> lines of <c>ldd</c>'s output: the libraries it found.</summary>
    public static IEnumerable<(string Name, string Path)> ParseLdd(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in output.Split('\n'))
        {
            if (LddLine().Match(line) is { Success: true } match)
            {
                yield return (match.Groups["name"].Value, match.Groups["path"].Value);
            }
        }
    }

    /// <summary>
    /// This grant with the libraries the host's MPI needs bound beside it, except the image's C
    /// runtime and names the grant binds already. A host path is taken canonical; one that is not a
    /// regular file is not bound (the instance's loader then falls back on the image's copy).
    /// </summary>
    public HostMpiGrant WithDependencies(IEnumerable<(string Name, string Path)> dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        var bound = Mounts.Select(m => Path.GetFileName(m.Target)).ToHashSet(StringComparer.Ordinal);
        var added = new List<InstanceMount>();
        foreach (var (name, path) in dependencies)
        {
            if (!ImageRuntimeLibraries.Contains(name) && !name.Contains('/') && bound.Add(name)
                && Vse.Runtime.Host.LinkerCache.ResolveRegularFile("/", path) is { } file)
            {
                added.Add(new InstanceMount($"{Directory}/{name}", file, ReadOnly: true));
            }
        }

        return this with { Mounts = [.. Mounts, .. added] };
    }

    /// <summary>The spec with the host's libraries bound read-only and found first.</summary>
    public InstanceSpec ApplyTo(InstanceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var env = new Dictionary<string, string>(spec.Env, StringComparer.Ordinal)
        {
            ["LD_LIBRARY_PATH"] = Directory + (spec.Env.TryGetValue("LD_LIBRARY_PATH", out var library) && library.Length > 0 ? ":" + library : ""),
        };
        return spec with { Mounts = [.. spec.Mounts, .. Mounts], Env = env };
    }

    // "\tlibucp.so.0 => /lib/x86_64-linux-gnu/libucp.so.0 (0x00007f...)"; not "statically linked" or "not found".
    [GeneratedRegex(@"^\s*(?<name>\S+)\s+=>\s+(?<path>/\S+)\s+\(0x[0-9a-f]+\)\s*$")]
    private static partial Regex LddLine();
}
