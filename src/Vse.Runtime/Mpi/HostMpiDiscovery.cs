using Vse.Runtime.Host;

namespace Vse.Runtime.Mpi;

/// <summary>
/// The host's MPI as the dynamic linker finds it: the libraries of <see cref="MpiAbi.Roles"/> in its
/// cache (<c>ldconfig -p</c>). That is how a site makes its MPI the host's: its packages register it
/// there, or an <c>/etc/ld.so.conf.d</c> entry does for one installed beside the system (docs/mpi.md).
/// </summary>
public static class HostMpiDiscovery
{
    /// <summary>This host: <c>/</c> and its linker cache.</summary>
    public static async Task<MpiInventory> DiscoverHostAsync(CancellationToken cancellationToken) =>
        Discover("/", await LinkerCache.ListHostAsync(cancellationToken));

    /// <param name="hostRoot">The directory read as the host's <c>/</c> (a fake tree in tests).</param>
    /// <param name="ldCacheListing">What <c>ldconfig -p</c> prints for that host.</param>
    public static MpiInventory Discover(string hostRoot, string ldCacheListing)
    {
        var root = Path.GetFullPath(hostRoot);
        var names = MpiAbi.Roles.Values.SelectMany(roles => roles.SelectMany(r => r)).ToHashSet(StringComparer.Ordinal);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, path) in LinkerCache.Entries64(ldCacheListing).Where(e => names.Contains(e.Name)))
        {
            // The first entry of a name is the one the linker loads.
            if (!files.ContainsKey(name) && LinkerCache.ResolveRegularFile(root, path) is { } file)
            {
                files[name] = file;
            }
        }

        var libraries = MpiAbi.CLibraryNames.Where(files.ContainsKey).Select(n => MpiLibrary.Of(n, files[n])!).ToList();
        return new MpiInventory(libraries, files, "the host's dynamic linker cache (ldconfig -p)");
    }
}
