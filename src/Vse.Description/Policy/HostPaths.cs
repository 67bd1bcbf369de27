using Vse.Host.FileSystem;

namespace Vse.Description.Policy;

/// <summary>Host paths as policy compares them: absolute, <c>..</c> applied, symlinks resolved.</summary>
public static class HostPaths
{
    /// <summary>
    /// Resolves the longest prefix that exists with realpath and applies the rest as text, so a
    /// path that does not exist yet (a scratch directory made at deploy) still compares correctly,
    /// and neither a symlink nor a ".." after one can make a path look like it lies elsewhere.
    /// </summary>
    public static string Canonicalize(string path)
    {
        var canonical = CanonicalizeUnrecorded(path);
        // What a path leads to is an input of a resolve (a symlink changed may move a mount out of what policy allows).
        Caching.ResolveInputs.Current?.Canonicalized(path, canonical);
        return canonical;
    }

    private static string CanonicalizeUnrecorded(string path)
    {
        // realpath resolves "..", physically, after the symlink before it; applying ".." to
        // the text first would judge "/scratch/link/../x" by where it does not lead.
        var existing = path.StartsWith('/') ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var rest = new Stack<string>();
        while (true)
        {
            if (RealPath.Of(existing) is { } real)
            {
                // What follows does not exist, so it holds no symlink: text rules are exact there.
                return Path.GetFullPath(rest.Aggregate(real, Path.Combine));
            }

            var cut = existing.TrimEnd('/').LastIndexOf('/');
            if (cut < 0)
            {
                return Path.GetFullPath(path);
            }

            rest.Push(existing[(cut + 1)..].TrimEnd('/'));
            existing = cut == 0 ? "/" : existing[..cut];
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies below it.</summary>
    public static bool IsWithin(string path, string directory) =>
        path == directory || path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);
}
