namespace Vse.Build.Store;

/// <summary>How a <see cref="LayerStore"/> is opened.</summary>
public enum LayerStoreAccess
{
    /// <summary>The invoking user's own store, owner-only: builds write here.</summary>
    Private,

    /// <summary>A site store the administrator builds into: <c>layers/</c> readable by all.</summary>
    Published,

    /// <summary>A site store seen by a user: only read, nothing created or changed.</summary>
    ReadOnly,
}
