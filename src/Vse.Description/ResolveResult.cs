using Vse.Description.Diagnostics;

namespace Vse.Description;

/// <summary>A resolved description, or why there is none; warnings come either way.</summary>
public sealed record ResolveResult(ResolvedDescription? Description, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Description is not null;
}
