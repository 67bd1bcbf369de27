using Vse.Build.Store;
using Vse.Description;
using Vse.Description.Layers;

namespace Vse.Build.Tests.Building;

/// <summary>
/// One layer store for every build test, so slow bases (a Debian minbase above all) are built
/// once per test run and shared, as a user's cache would be.
/// </summary>
public sealed class BuildFixture : IDisposable
{
    public BuildFixture()
    {
        Root = Directory.CreateTempSubdirectory("vse-build-tests-").FullName;
        Store = new LayerStore(Path.Combine(Root, "store"));
    }

    public string Root { get; }

    public LayerStore Store { get; }

    public ImageBuilder Builder => new(Store, TimeProvider.System);

    /// <summary>Writes a description into its own directory and resolves it.</summary>
    public ResolvedDescription Resolve(string name, string yaml, IReadOnlyDictionary<string, string>? files = null)
    {
        var directory = Path.Combine(Root, "descriptions", name.Replace('/', '-'));
        Directory.CreateDirectory(directory);
        foreach (var (path, content) in files ?? new Dictionary<string, string>())
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        var file = Path.Combine(directory, "description.vse.yaml");
        File.WriteAllText(file, yaml);
        var options = new ResolveOptions(new SearchPath([], Path.Combine(Root, "no-site"), null), new Dictionary<string, string>());
        var result = DescriptionResolver.Resolve(file, options);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }

    public void Dispose() => Vse.Host.FileSystem.TreeDeleter.Delete(Root);
}

[CollectionDefinition(Name)]
public sealed class BuildCollection : ICollectionFixture<BuildFixture>
{
    public const string Name = "builds share one layer store";
}
