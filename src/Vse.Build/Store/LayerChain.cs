using System.Collections.Concurrent;
using Vse.Host.FileSystem;

namespace Vse.Build.Store;

/// <summary>
/// The stores a build looks a layer up in: the user's own first, then the site store, read
/// only (docs/install.md). A layer found in the site store is used where it lies, never
/// copied: the builder starts the next layer from it and new layers go to the user's store.
/// The site store is used only while <see cref="SiteStoreTrust"/> passes it (checked when the
/// chain is opened) and each of its layers (checked the first time the layer is asked for);
/// what it refuses is built privately, with a warning in <see cref="Warnings"/>.
/// </summary>
public sealed class LayerChain
{
    private readonly ConcurrentDictionary<string, bool> _trustedSiteLayers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _warnings = new();

    private LayerChain(LayerStore own, LayerStore? site)
    {
        Own = own;
        Site = site;
    }

    /// <summary>Where builds write: the user's store, or the site store an administrator builds into.</summary>
    public LayerStore Own { get; }

    /// <summary>The trusted site store, or null when there is none or it was refused.</summary>
    public LayerStore? Site { get; }

    /// <summary>Why the site store or some of its layers were not used, one line each, oldest first.</summary>
    public IReadOnlyList<string> Warnings => _warnings.ToArray();

    /// <summary>Only <paramref name="own"/>: no site store (none configured, or building into it).</summary>
    public static LayerChain Single(LayerStore own) => new(own, null);

    /// <summary>
    /// <paramref name="own"/>, then the site store at <paramref name="siteRoot"/> when it has a <c>layers/</c> (or one vse cannot look at),
    /// is not <paramref name="own"/> itself, and passes the trust rule; else only <paramref name="own"/>
    /// (with a warning when a site store is there but refused).
    /// </summary>
    public static LayerChain Open(LayerStore own, string? siteRoot)
    {
        ArgumentNullException.ThrowIfNull(own);
        if (siteRoot is null || IsMissing(Path.Combine(siteRoot, "layers"))
            || Path.GetFullPath(siteRoot).TrimEnd('/') == Path.GetFullPath(own.Root).TrimEnd('/'))
        {
            return Single(own);
        }

        if (SiteStoreTrust.RefusalOfStore(siteRoot) is { } refusal)
        {
            var refused = Single(own);
            refused._warnings.Enqueue($"the site store {siteRoot} is not used: {refusal}; building privately");
            return refused;
        }

        // The path the rule judged: a symlink on the way is followed once, here, never again.
        return new LayerChain(own, new LayerStore(RealPath.Of(siteRoot) ?? siteRoot, LayerStoreAccess.ReadOnly));
    }

    /// <summary>Which store holds the complete layer <paramref name="key"/>, or null when none does (or only a refused one).</summary>
    public LayerOrigin? Locate(string key)
    {
        if (Own.Contains(key))
        {
            return LayerOrigin.User;
        }

        return Site is { } site && site.Contains(key) && IsTrusted(site, key) ? LayerOrigin.Site : null;
    }

    /// <summary>The tree of a layer <see cref="Locate"/> found; the user's store's path when none has it.</summary>
    public string RootfsOf(string key) => StoreOf(key).RootfsOf(key);

    /// <summary>The store <see cref="Locate"/> finds <paramref name="key"/> in, the user's own when none has it.</summary>
    public LayerStore StoreOf(string key) => Locate(key) == LayerOrigin.Site ? Site! : Own;

    /// <summary>True when nothing is there; a path that cannot be looked at is not missing: the trust rule reports it.</summary>
    private static bool IsMissing(string path)
    {
        try
        {
            return Nodes.TryGetStatus(path) is null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private bool IsTrusted(LayerStore site, string key) =>
        _trustedSiteLayers.GetOrAdd(key, k =>
        {
            if (SiteStoreTrust.RefusalOfLayer(site, k) is not { } refusal)
            {
                return true;
            }

            _warnings.Enqueue($"site layer {k[..12]} is not used: {refusal}; building it privately");
            return false;
        });
}
