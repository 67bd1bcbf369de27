using Vse.Description.Layers;
using Vse.Description.Syntax;

namespace Vse.Description;

/// <summary>How to resolve: where bases are found, the user's environment for <c>${env.X}</c>, the target.</summary>
public sealed record ResolveOptions(SearchPath SearchPath, IReadOnlyDictionary<string, string> Environment, string? Target = null)
{
    public ReaderLimits Limits { get; init; } = ReaderLimits.Default;
}
