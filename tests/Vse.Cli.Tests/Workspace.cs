namespace Vse.Cli.Tests;

/// <summary>A temporary directory of description files for one test, with a site directory inside.</summary>
public sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Directory.CreateTempSubdirectory("vse-cli-test-").FullName;
        Directory.CreateDirectory(SiteDirectory);
    }

    public string Root { get; }

    public string SiteDirectory => Path.Combine(Root, "site");

    /// <summary>The test's own data directory: its layers and state never mix with another test's.</summary>
    public string VseHome => Path.Combine(Root, "home");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["VSE_SITE_DIR"] = SiteDirectory,
        ["VSE_HOME"] = VseHome,
        ["USER"] = "alice",
    };

    /// <summary>Writes <paramref name="relativePath"/> (e.g. <c>app.vse.yaml</c>, <c>site/base.vse.yaml</c>).</summary>
    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public Task<VseProcess.Outcome> RunAsync(params string[] args) => VseProcess.RunAsync(Root, Environment, args);

    public Task<VseProcess.Outcome> RunWithInputAsync(string input, params string[] args) => VseProcess.RunWithInputAsync(Root, Environment, input, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException e)
        {
            // Thrown here it would replace the failure of the test that is unwinding. Tests that
            // promise to leave nothing behind check that themselves.
            Console.Error.WriteLine($"workspace {Root} not removed: {e.Message}");
        }
    }
}
