namespace Vse.Description.Layers;

/// <summary>
/// Paths inside an image as a description writes them. They must be absolute and may not climb
/// above the image root with <c>..</c>; the build resolves them again inside the image, where
/// symlinks are followed within the root, so a description cannot reach the host.
/// </summary>
/// <remarks>
/// Segments are looked at in place (spans), not split into strings: every mount target and step
/// path of a description is checked, ~0.4 MB of arrays and segment strings per resolve of the
/// 10,000-key hierarchy.
/// </remarks>
public static class ImagePaths
{
    /// <summary>The one spelling of an acceptable path: <c>.</c>, <c>..</c>, repeated and trailing slashes applied.</summary>
    /// <returns>The path itself when it is spelt so already.</returns>
    public static string Normalize(string path)
    {
        if (IsNormal(path))
        {
            return path;
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return "/" + string.Join('/', segments);
    }

    /// <returns>Null when the path is acceptable, else why not.</returns>
    public static string? Problem(string path)
    {
        if (!path.StartsWith('/'))
        {
            return $"'{path}' is not an absolute path inside the image";
        }

        if (path.Contains('\0'))
        {
            return "a path may not contain a NUL character";
        }

        var depth = 0;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan(range);
            depth += segment switch
            {
                "" or "." => 0,
                ".." => -1,
                _ => 1,
            };
            if (depth < 0)
            {
                return $"'{path}' climbs above the image root with '..'";
            }
        }

        return null;
    }

    // Absolute, and no empty, '.' or '..' segment: no repeated or trailing slash ("/" alone is normal).
    private static bool IsNormal(string path)
    {
        if (path == "/")
        {
            return true;
        }

        if (!path.StartsWith('/'))
        {
            return false;
        }

        foreach (var range in path.AsSpan(1).Split('/'))
        {
            if (path.AsSpan(1)[range] is "" or "." or "..")
            {
                return false;
            }
        }

        return true;
    }
}
