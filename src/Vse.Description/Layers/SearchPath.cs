namespace Vse.Description.Layers;

/// <summary>
/// Where <c>extends</c> names are looked up (DESIGN §2.1), after the extending file's own directory:
/// each <c>VSE_PATH</c> directory, the site directory, then the descriptions shipped with vse.
/// </summary>
public sealed record SearchPath(IReadOnlyList<string> Directories, string SiteDirectory, string? ShippedDirectory)
{
    public const string DefaultSiteDirectory = "/etc/vse";

    /// <summary>Reads <c>VSE_PATH</c> (colon-separated) and <c>VSE_SITE_DIR</c> from an environment.</summary>
    public static SearchPath FromEnvironment(IReadOnlyDictionary<string, string> environment, string? shippedDirectory)
    {
        var paths = environment.TryGetValue("VSE_PATH", out var vsePath)
            ? vsePath.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath).ToList()
            : [];
        var site = environment.TryGetValue("VSE_SITE_DIR", out var siteDir) && siteDir.Length > 0 ? Path.GetFullPath(siteDir) : DefaultSiteDirectory;
        return new SearchPath(paths, site, shippedDirectory);
    }

    /// <summary>The directories searched for a base named in a file in <paramref name="fileDirectory"/>, in order.</summary>
    public IEnumerable<string> DirectoriesFor(string fileDirectory)
    {
        yield return fileDirectory;
        foreach (var directory in Directories)
        {
            yield return directory;
        }

        yield return SiteDirectory;
        if (ShippedDirectory is not null)
        {
            yield return ShippedDirectory;
        }
    }
}
