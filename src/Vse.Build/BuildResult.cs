namespace Vse.Build;

/// <summary>One layer of a finished build.</summary>
public sealed record BuiltLayer(string Title, string Key, bool Cached, TimeSpan Elapsed);

/// <summary>A built configuration: the top layer's tree is the whole image.</summary>
public sealed record BuildResult(string TopLayerKey, string Rootfs, IReadOnlyList<BuiltLayer> Layers, string DescriptionJson, string LockJson)
{
    public int StepsRun => Layers.Count(l => !l.Cached);
}
