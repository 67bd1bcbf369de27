namespace Vse.Build.Store;

/// <summary>A build <see cref="BuildMemo"/> remembered, each layer with where <see cref="LayerChain.Locate"/> found it now.</summary>
public sealed record RememberedBuild(string TopLayerKey, string Rootfs, IReadOnlyList<(string Title, string Key, LayerOrigin Origin)> Layers);
