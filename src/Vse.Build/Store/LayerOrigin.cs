namespace Vse.Build.Store;

/// <summary>Which store of a <see cref="LayerChain"/> holds a layer.</summary>
public enum LayerOrigin
{
    /// <summary>The invoking user's own store (or the one <c>vse build --store</c> names).</summary>
    User,

    /// <summary>The site store, reused in place.</summary>
    Site,
}
