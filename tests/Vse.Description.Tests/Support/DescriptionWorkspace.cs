using Vse.Description.Diagnostics;
using Vse.Description.Layers;

namespace Vse.Description.Tests.Support;

/// <summary>
/// A temporary directory of description files for one test: <c>NAME.vse.yaml</c> files written from
/// strings, a <c>site/</c> subdirectory used as <c>VSE_SITE_DIR</c>, and an explicit environment, so
/// no test depends on the host's <c>/etc/vse</c> or the invoking user's variables.
/// </summary>
public sealed class DescriptionWorkspace : IDisposable
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;
    private const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;

    public DescriptionWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("vse-description-tests-").FullName;
        SiteDirectory = Path.Combine(Root, "site");
        CreateDirectory(SiteDirectory);
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["VSE_SITE_DIR"] = SiteDirectory,
            ["USER"] = "alice",
        };
    }

    public string Root { get; }

    /// <summary><c>ROOT/site</c>: the site directory (<c>VSE_SITE_DIR</c>).</summary>
    public string SiteDirectory { get; }

    /// <summary>The invoking user's environment as the resolver sees it; tests may add to it.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>The directory of descriptions shipped with vse, if a test needs one.</summary>
    public string? ShippedDirectory { get; set; }

    /// <summary>Writes <c>ROOT/NAME.vse.yaml</c> (NAME may contain <c>/</c>) and returns its full path.</summary>
    public string Write(string name, string text) => WriteFile(name + ".vse.yaml", text);

    /// <summary>Writes <c>ROOT/site/NAME.vse.yaml</c>, mode 0644 (trusted when the tests run as root).</summary>
    public string WriteSite(string name, string text) => WriteFile(Path.Combine("site", name + ".vse.yaml"), text);

    /// <summary>Writes a file at a path relative to the root, with explicit modes so the umask does not matter.</summary>
    public string WriteFile(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, FileMode);
        return path;
    }

    public string CreateDirectory(string path)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(full);
        for (var dir = full; dir.Length >= Root.Length; dir = Path.GetDirectoryName(dir)!)
        {
            File.SetUnixFileMode(dir, DirectoryMode);
        }

        return full;
    }

    public string PathOf(string name) => Path.Combine(Root, name + ".vse.yaml");

    public SearchPath SearchPath => SearchPath.FromEnvironment(Environment, ShippedDirectory);

    public ResolveOptions Options(string? target = null) => new(SearchPath, Environment, target);

    /// <summary>Resolves <c>ROOT/NAME.vse.yaml</c>.</summary>
    public ResolveResult Resolve(string name, string? target = null) => DescriptionResolver.Resolve(PathOf(name), Options(target));

    /// <summary>Resolves and fails the test, listing every diagnostic, unless it succeeded without errors.</summary>
    public ResolvedDescription ResolveOk(string name, string? target = null)
    {
        var result = Resolve(name, target);
        Assert.True(result.Succeeded && !result.Diagnostics.Any(d => d.IsError), "expected success, got:\n" + string.Join("\n", result.Diagnostics));
        return result.Description!;
    }

    /// <summary>Resolves, expects failure, and returns the diagnostics.</summary>
    public IReadOnlyList<Diagnostic> ResolveFails(string name, string? target = null)
    {
        var result = Resolve(name, target);
        Assert.False(result.Succeeded, "expected failure, but it resolved; diagnostics:\n" + string.Join("\n", result.Diagnostics));
        return result.Diagnostics;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a test over.
        }
    }
}
