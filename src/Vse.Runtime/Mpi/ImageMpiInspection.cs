using Vse.Host.FileSystem;

namespace Vse.Runtime.Mpi;

/// <summary>
/// The MPI libraries an image has, by name in its library directories. Nothing is followed out of
/// the image: each directory must be a real directory all the way down (not a link, which could
/// lead to the host's), and a library's version is read from the versioned regular file beside its
/// soname link (<c>libmpich.so.12</c> beside <c>libmpich.so.12.2.2</c>), never through a link.
/// </summary>
public static class ImageMpiInspection
{
    /// <summary>Where Debian and most distributions keep libraries, in the linker's order of preference for x86-64.</summary>
    public static readonly IReadOnlyList<string> LibraryDirectories =
        ["usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu", "usr/local/lib", "usr/lib64", "lib64", "usr/lib", "lib"];

    /// <param name="rootfs">The image's assembled root file system on the host.</param>
    public static MpiInventory Inspect(string rootfs)
    {
        ArgumentNullException.ThrowIfNull(rootfs);
        var names = MpiAbi.Roles.Values.SelectMany(roles => roles.SelectMany(r => r)).ToList();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in LibraryDirectories.Where(d => IsRealDirectory(rootfs, d)))
        {
            var onHost = Path.Combine(rootfs, directory);
            foreach (var name in names.Where(n => !files.ContainsKey(n) && Nodes.TryGetStatus(Path.Combine(onHost, n)) is not null))
            {
                // Matched by hand: the enumeration's "NAME.*" also matches NAME itself (an empty extension).
                var versioned = Directory.EnumerateFileSystemEntries(onHost, name + ".*")
                    .Where(e => Path.GetFileName(e).StartsWith(name + ".", StringComparison.Ordinal) && Nodes.TryGetStatus(e)?.Type == NodeType.RegularFile)
                    .Order(StringComparer.Ordinal)
                    .FirstOrDefault();
                files[name] = "/" + directory + "/" + (versioned is null ? name : Path.GetFileName(versioned));
            }
        }

        var libraries = MpiAbi.CLibraryNames.Where(files.ContainsKey).Select(n => MpiLibrary.Of(n, files[n])!).ToList();
        return new MpiInventory(libraries, files, $"the image's {string.Join(", ", LibraryDirectories.Select(d => "/" + d))}");
    }

    /// <summary>Whether every component of <paramref name="relative"/> below the root is a directory, not a link.</summary>
    private static bool IsRealDirectory(string rootfs, string relative)
    {
        var path = rootfs;
        foreach (var part in relative.Split('/'))
        {
            path = Path.Combine(path, part);
            if (Nodes.TryGetStatus(path)?.Type != NodeType.Directory)
            {
                return false;
            }
        }

        return true;
    }
}
