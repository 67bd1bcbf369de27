namespace Vse.Cli.Tests;

/// <summary>A temporary directory of description files for one test, with a site directory inside.</summary>
public sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Directory.CreateTempSubdirectory("vse-cli-test-").FullName;
        Directory.CreateDirectory(SiteDirectory);
        // VM tests boot Debian's kernel: fetched into the store all tests share, not once per test.
        Directory.CreateDirectory(TestKernels.StoreRoot);
        Directory.CreateDirectory(VseHome);
        Directory.CreateSymbolicLink(KernelLink, TestKernels.StoreRoot);
    }

    public string Root { get; }

    public string SiteDirectory => Path.Combine(Root, "site");

    /// <summary>The test's own data directory: its layers and state never mix with another test's.</summary>
    public string VseHome => Path.Combine(Root, "home");

    private string KernelLink => Path.Combine(VseHome, "kernels");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["VSE_SITE_DIR"] = SiteDirectory,
        ["VSE_HOME"] = VseHome,
        // No site store: a test never reuses (or is refused) the machine's /var/lib/vse-site.
        ["VSE_SITE_STORE"] = "",
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

    /// <summary>
    /// Copies <c>examples/apps/APP</c> to <c>APP/</c> here and the example site descriptions to the
    /// site directory, which is root's own and closed to others: trusted, as an installed
    /// /etc/vse would be.
    /// </summary>
    public void UseExample(string app)
    {
        var examples = Path.Combine(RepositoryRoot(), "examples");
        CopyTree(Path.Combine(examples, "site"), SiteDirectory);
        CopyTree(Path.Combine(examples, "apps", app), Path.Combine(Root, app));
    }

    public Task<VseProcess.Outcome> RunAsync(params string[] args) => VseProcess.RunAsync(Root, Environment, args);

    public Task<VseProcess.Outcome> RunWithInputAsync(string input, params string[] args) => VseProcess.RunWithInputAsync(Root, Environment, input, args);

    public void Dispose()
    {
        try
        {
            // The link, never what it points to.
            File.Delete(KernelLink);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException e)
        {
            // Thrown here it would replace the failure of the test that is unwinding. Tests that
            // promise to leave nothing behind check that themselves.
            Console.Error.WriteLine($"workspace {Root} not removed: {e.Message}");
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "vse.slnx")))
            {
                return directory;
            }
        }

        throw new DirectoryNotFoundException($"no vse.slnx above {AppContext.BaseDirectory}");
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy, overwrite: true); // the site again for a second example: the same files
        }
    }
}
