namespace Vse.Build.FileSystem;

/// <summary>
/// The lexical form of a path inside an image: absolute, no empty or <c>.</c> segments, no
/// <c>..</c>. This is the form that build steps store and hash.
/// </summary>
public static class ImagePath
{
    public const string Root = "/";

    /// <summary>
    /// Makes <paramref name="path"/> absolute inside the image and removes <c>.</c>, <c>..</c>
    /// and repeated slashes. A relative path is taken from the image root (the tar convention).
    /// </summary>
    /// <exception cref="UnsafePathException">
    /// The path climbs above the root with <c>..</c>, or contains a NUL character. Such a path
    /// is refused rather than clamped at the root: a path written in a description or an
    /// archive member name must say where it goes, and one that reaches for the parent of the
    /// root is either a mistake or an attack; either way, silently writing somewhere else than
    /// what was written would hide it. (Symlink targets already inside the image are different:
    /// those are clamped, as the kernel does in a chroot; see <see cref="ImageRoot"/>.)
    /// </exception>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0'))
        {
            throw new UnsafePathException(path.Replace('\0', '?'), "contains a NUL character");
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (segment)
            {
                case ".":
                    break;
                case "..":
                    if (segments.Count == 0)
                    {
                        throw new UnsafePathException(path, "climbs above the image root with '..'");
                    }

                    segments.RemoveAt(segments.Count - 1);
                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        return Root + string.Join('/', segments);
    }

    /// <summary>The parent of a normalized path; the root is its own parent.</summary>
    public static string Parent(string normalizedPath)
    {
        var slash = normalizedPath.LastIndexOf('/');
        return slash <= 0 ? Root : normalizedPath[..slash];
    }

    /// <summary>The last segment of a normalized path; empty for the root.</summary>
    public static string Name(string normalizedPath) => normalizedPath[(normalizedPath.LastIndexOf('/') + 1)..];

    /// <summary>Joins a normalized directory path and one segment.</summary>
    public static string Combine(string normalizedDirectory, string name) =>
        normalizedDirectory == Root ? Root + name : normalizedDirectory + "/" + name;
}
