namespace Vse.Description.Model;

/// <summary>One entry of <c>mounts</c>: a host directory at a path in the image.</summary>
/// <param name="Target">The path in the image (the map's key).</param>
/// <param name="Source">The host path as the description wrote it.</param>
/// <param name="ReadOnly">True unless the mode is <c>rw</c> (the default mode is <c>ro</c>).</param>
public sealed record RuntimeMount(string Target, string Source, bool ReadOnly);
