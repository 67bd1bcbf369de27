namespace Vse.Deploy.Online;

/// <summary>
/// Paths inside an instance as <c>vse cp</c> takes them: absolute, <c>/</c>-separated, with
/// <c>.</c> and <c>..</c> folded lexically at the root (as the kernel does there: <c>/..</c> is
/// <c>/</c>), so no spelling names anything above the instance's root.
/// </summary>
public static class InstancePaths
{
    /// <summary>The path in its plain form, e.g. <c>/etc/motd</c> for <c>etc//x/../motd</c>; <c>/</c> for the root.</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new InstanceAccessException($"'{path.Replace("\0", "\\0", StringComparison.Ordinal)}' is not a path in the instance");
        }

        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>The directory and the last name of a path that is not the root.</summary>
    public static (string Parent, string Name) Split(string normalized)
    {
        if (normalized == "/")
        {
            throw new InstanceAccessException("vse cp copies a file or directory below /, not the instance's whole root");
        }

        var slash = normalized.LastIndexOf('/');
        return (slash == 0 ? "/" : normalized[..slash], normalized[(slash + 1)..]);
    }
}
