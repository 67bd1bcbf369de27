namespace Vse.Build.Reproducible;

/// <summary>
/// A layer whose rebuild differs from the cached layer in a way its parent does not explain.
/// </summary>
/// <param name="Index">The step's number, 1-based, as the build's progress counts it.</param>
/// <param name="Paths">The image paths (relative, <c>.</c> for the root) that differ because of this step, in ordinal order.</param>
public sealed record LayerMismatch(int Index, string Title, string Key, IReadOnlyList<string> Paths);
