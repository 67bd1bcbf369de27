namespace Vse.Build.Registry;

/// <summary>One vse layer as <c>vse push</c> sends it: its complete tree in the store, and what made it.</summary>
/// <param name="Key">The layer's cache key.</param>
/// <param name="Rootfs">Its tree; the OCI layer is what changed over the previous layer's tree.</param>
/// <param name="Title">The step that made it (<c>base debian:bookworm</c>, <c>run make</c>), the image's history.</param>
public sealed record PushedLayer(string Key, string Rootfs, string Title);
