namespace Vse.Description.Layers;

/// <summary>
/// Paths inside an image as a description writes them. They must be absolute and may not climb
/// above the image root with <c>..</c>; the build resolves them again inside the image, where
/// symlinks are followed within the root, so a description cannot reach the host.
/// </summary>
public static class ImagePaths
{
    /// <summary>The one spelling of an acceptable path: <c>.</c>, <c>..</c>, repeated and trailing slashes applied.</summary>
    public static string Normalize(string path)
    {
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
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            depth += segment switch
            {
                ".." => -1,
                "." => 0,
                _ => 1,
            };
            if (depth < 0)
            {
                return $"'{path}' climbs above the image root with '..'";
            }
        }

        return null;
    }
}
