namespace Vse.Runtime.Tests.Mpi;

/// <summary>
/// MPI libraries below a temporary root, as a host or an image lays them out: a versioned file
/// and its soname link in the multiarch directory. The files are text, not ELF: what is tested
/// is what vse reads from names and links, not what the loader does with them.
/// </summary>
internal static class FakeMpiTree
{
    public const string Multiarch = "usr/lib/x86_64-linux-gnu";

    /// <summary>Writes <c>ROOT/DIRECTORY/FILE</c> and links <c>SONAME</c> to it (relative, as Debian does).</summary>
    public static string Library(string root, string soname, string file, string directory = Multiarch)
    {
        var lib = Directory.CreateDirectory(Path.Combine(root, directory)).FullName;
        var path = Path.Combine(lib, file);
        File.WriteAllText(path, $"fake {file}\n");
        if (soname != file)
        {
            File.CreateSymbolicLink(Path.Combine(lib, soname), file);
        }

        return path;
    }

    public static string CreateDirectory(Support.TempDirectory root, string relative) => Directory.CreateDirectory(root.Combine(relative)).FullName;

    /// <summary>An <c>ldconfig -p</c> listing of these sonames, each in the multiarch directory.</summary>
    public static string Listing(params string[] sonames) =>
        $"{sonames.Length} libs found in cache `/etc/ld.so.cache'\n"
        + string.Concat(sonames.Select(s => $"\t{s} (libc6,x86-64) => /{Multiarch}/{s}\n"));
}
