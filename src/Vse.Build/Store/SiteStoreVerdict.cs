using System.Text.Json;
using Vse.Host.FileSystem;

namespace Vse.Build.Store;

/// <summary>
/// The trust rule's verdict (<see cref="SiteStoreTrust"/>) on a site store and each complete layer
/// in it, judged from the host's view and handed into the rootless build namespace. Inside that
/// namespace the rule cannot be applied: host root and every other unmapped owner show as the
/// overflow uid 65534, and the user's own files show as root's. So the process that enters the
/// namespace judges first and writes the verdict to a file; the process inside reads it
/// (<see cref="FileVariable"/>). The user can change the file, but only for a build that runs
/// with the user's own rights: no one else's image depends on it.
/// </summary>
/// <param name="Store">The store as it was judged (symlinks resolved).</param>
/// <param name="Refusal">Why the store itself is not used, or null when it passes.</param>
/// <param name="Layers">Each complete layer's key and why it is refused, null when it passes.</param>
public sealed record SiteStoreVerdict(string Store, string? Refusal, IReadOnlyDictionary<string, string?> Layers)
{
    /// <summary>The environment variable that names the verdict's file for a process in the build namespace.</summary>
    public const string FileVariable = "VSE_SITE_STORE_VERDICT";

    /// <summary>Judges the store at <paramref name="siteRoot"/> and, when it passes, every complete layer in it, as this process sees them.</summary>
    public static SiteStoreVerdict Judge(string siteRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(siteRoot);
        var real = RealPath.Of(siteRoot) ?? Path.GetFullPath(siteRoot);
        if (SiteStoreTrust.RefusalOfStore(siteRoot) is { } refusal)
        {
            return new SiteStoreVerdict(real, refusal, new Dictionary<string, string?>());
        }

        var store = new LayerStore(real, LayerStoreAccess.ReadOnly);
        var layers = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in store.LayerDirectoryNames(cancellationToken).Where(store.Contains))
        {
            layers[key] = SiteStoreTrust.RefusalOfLayer(store, key);
        }

        return new SiteStoreVerdict(real, null, layers);
    }

    /// <summary>The verdict a process was handed, or why there is none to use.</summary>
    /// <returns>The verdict, or null with <paramref name="problem"/> saying why.</returns>
    public static SiteStoreVerdict? Read(string? path, out string? problem)
    {
        if (string.IsNullOrEmpty(path))
        {
            problem = "it was not judged from the host's view (run vse as yourself: it judges the store before it enters its build namespace)";
            return null;
        }

        try
        {
            var verdict = JsonSerializer.Deserialize(File.ReadAllText(path), SiteStoreVerdictJson.Default.SiteStoreVerdict);
            problem = verdict is null ? $"the verdict in {path} is empty" : null;
            return verdict;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"the verdict in {path} cannot be read: {exception.Message}";
            return null;
        }
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, SiteStoreVerdictJson.Default.SiteStoreVerdict));
}
