using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Vse.Host.FileSystem;

namespace Vse.Build.Store;

/// <summary>
/// The stores a build looks a layer up in: the user's own first, then the site store, read
/// only (docs/install.md). A layer found in the site store is used where it lies, never
/// copied: the builder starts the next layer from it and new layers go to the user's store.
/// The site store is used only while <see cref="SiteStoreTrust"/> passes it (checked when the
/// chain is opened) and each of its layers (checked the first time the layer is asked for);
/// what it refuses is built privately, with a warning in <see cref="Warnings"/>. In the rootless
/// build namespace the rule cannot be applied (host root shows as uid 65534 there, the user as
/// root), so there the chain follows the verdict the host's side handed in (<see cref="OpenAsJudged"/>).
/// </summary>
public sealed class LayerChain
{
    private readonly ConcurrentDictionary<string, bool> _trustedSiteLayers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _warnings = new();

    /// <summary>The host's verdict on each site layer, or null where this process judges them itself.</summary>
    private readonly IReadOnlyDictionary<string, string?>? _judgedLayers;

    private LayerChain(LayerStore own, LayerStore? site, IReadOnlyDictionary<string, string?>? judgedLayers = null)
    {
        Own = own;
        Site = site;
        _judgedLayers = judgedLayers;
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
        if (IsNoSiteStore(own, siteRoot))
        {
            return Single(own);
        }

        if (SiteStoreTrust.RefusalOfStore(siteRoot) is { } refusal)
        {
            return Refused(own, siteRoot, refusal);
        }

        // The path the rule judged: a symlink on the way is followed once, here, never again.
        return new LayerChain(own, new LayerStore(RealPath.Of(siteRoot) ?? siteRoot, LayerStoreAccess.ReadOnly));
    }

    /// <summary>
    /// Like <see cref="Open"/>, but the site store and its layers are trusted as
    /// <paramref name="verdict"/> (judged from the host's view) says, never as this process sees
    /// them; with no verdict (<paramref name="whyNoVerdict"/> says why) or one on another store, the
    /// site store is not used. A layer the verdict does not name (published after it) is not used.
    /// </summary>
    public static LayerChain OpenAsJudged(LayerStore own, string? siteRoot, SiteStoreVerdict? verdict, string? whyNoVerdict)
    {
        ArgumentNullException.ThrowIfNull(own);
        if (IsNoSiteStore(own, siteRoot))
        {
            return Single(own);
        }

        if (verdict is null)
        {
            return Refused(own, siteRoot, whyNoVerdict ?? "it was not judged from the host's view");
        }

        var refusal = verdict.Store != (RealPath.Of(siteRoot) ?? Path.GetFullPath(siteRoot)) ? $"the verdict handed in is on {verdict.Store}" : verdict.Refusal;
        return refusal is not null
            ? Refused(own, siteRoot, refusal)
            : new LayerChain(own, new LayerStore(verdict.Store, LayerStoreAccess.ReadOnly), verdict.Layers);
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

    /// <summary>No site store configured, none there (no <c>layers/</c>), or the store builds write to.</summary>
    private static bool IsNoSiteStore(LayerStore own, [NotNullWhen(false)] string? siteRoot) =>
        siteRoot is null || IsMissing(Path.Combine(siteRoot, "layers"))
        || Path.GetFullPath(siteRoot).TrimEnd('/') == Path.GetFullPath(own.Root).TrimEnd('/');

    private static LayerChain Refused(LayerStore own, string siteRoot, string refusal)
    {
        var refused = Single(own);
        refused._warnings.Enqueue($"the site store {siteRoot} is not used: {refusal}; building privately");
        return refused;
    }

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
            var refusal = _judgedLayers is null ? SiteStoreTrust.RefusalOfLayer(site, k)
                : _judgedLayers.TryGetValue(k, out var judged) ? judged
                : "it was published after the store was judged";
            if (refusal is null)
            {
                return true;
            }

            _warnings.Enqueue($"site layer {k[..12]} is not used: {refusal}; building it privately");
            return false;
        });
}
