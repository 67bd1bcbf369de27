using Vse.Description;
using Vse.Description.Layers;

namespace Vse.Deploy.Tests;

/// <summary>A temporary directory a test writes descriptions into and resolves them from, with a site directory of its own (empty).</summary>
internal sealed class DescriptionFolder : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-deploy-test-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Writes <paramref name="text"/> as <paramref name="name"/> and resolves it, whatever comes of it.</summary>
    public ResolveResult TryResolve(string text, string name = "app.vse.yaml")
    {
        var file = Path.Combine(root, name);
        File.WriteAllText(file, text);
        var environment = new Dictionary<string, string> { ["VSE_SITE_DIR"] = Path.Combine(root, "site") };
        return DescriptionResolver.Resolve(file, new ResolveOptions(SearchPath.FromEnvironment(environment, null), environment));
    }

    /// <summary>Writes and resolves <paramref name="text"/>, which must resolve.</summary>
    public ResolvedDescription Resolve(string text)
    {
        var result = TryResolve(text);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }
}
