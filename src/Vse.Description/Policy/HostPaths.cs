using Vse.Description.Interop;

namespace Vse.Description.Policy;

/// <summary>Host paths as policy compares them: absolute, <c>..</c> applied, symlinks resolved.</summary>
public static class HostPaths
{
    /// <summary>
    /// Resolves symlinks of the longest prefix that exists and applies the rest lexically, so a
    /// path that does not exist yet (a scratch directory made at deploy) still compares correctly,
    /// and a symlink anywhere along the way cannot make a path look like it lies somewhere else.
    /// </summary>
    public static string Canonicalize(string path)
    {
        var full = Path.GetFullPath(path);
        var existing = full;
        var rest = new Stack<string>();
        while (true)
        {
            if (Libc.Realpath(existing) is { } real)
            {
                return rest.Aggregate(real, Path.Combine);
            }

            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return full;
            }

            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies below it.</summary>
    public static bool IsWithin(string path, string directory) =>
        path == directory || path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);
}
