namespace Vse.Build.Registry;

/// <summary>A layer's OCI blob as <c>vse push</c> sends it: its diff over its parent, gzipped (<see cref="LayerBlobCache"/>).</summary>
/// <param name="DiffId">The digest of the uncompressed diff tar (the image config's <c>rootfs.diff_ids</c>).</param>
/// <param name="Digest">The digest of the gzipped blob.</param>
/// <param name="Size">The gzipped blob's size in bytes.</param>
/// <param name="Changed">Nodes the layer added or changed over its parent.</param>
/// <param name="Removed">Paths the layer removed (whiteouts).</param>
public sealed record LayerBlob(string DiffId, string Digest, long Size, int Changed, int Removed);
