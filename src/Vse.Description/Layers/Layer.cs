using Vse.Description.Diagnostics;
using Vse.Description.Policy;

namespace Vse.Description.Layers;

/// <summary>One description file, read and checked, ready to be merged.</summary>
/// <param name="Trusted">Whether the file may carry site policy (DESIGN §2.3).</param>
/// <param name="Targets">The file's <c>targets.NAME</c> blocks, applied right after it.</param>
public sealed record Layer(
    string Name,
    string File,
    bool Trusted,
    MapPatch Body,
    IReadOnlyDictionary<string, MapPatch> Targets,
    PolicyRules? Policy);

/// <summary>A value with the place it was written.</summary>
public sealed record Located<T>(T Value, SourceLocation Location);
