using Vse.Description.Diagnostics;

namespace Vse.Description.Layers;

/// <summary>A file read into its layer as soon as it was parsed, with the problems found in doing so.</summary>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Layer">Null when the file is not a mapping (reported).</param>
internal sealed record LayerReading(string Path, Layer? Layer, IReadOnlyList<Diagnostic> Diagnostics);
