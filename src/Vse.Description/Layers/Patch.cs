using Vse.Description.Diagnostics;
using Vse.Description.Model;

namespace Vse.Description.Layers;

/// <summary>
/// What one layer says about a value, checked against the schema and interpolated, with the
/// positions provenance needs. <see cref="Merge.Merger"/> applies patches in layer order.
/// </summary>
public abstract record Patch(SourceLocation Location);

public sealed record ScalarPatch(ScalarValue Value, SourceLocation Location) : Patch(Location);

/// <summary><c>key: null</c>: remove the value (RFC 7386).</summary>
public sealed record RemovePatch(SourceLocation Location) : Patch(Location);

public sealed record MapPatch(IReadOnlyList<MapPatchEntry> Entries, SourceLocation Location) : Patch(Location);

/// <param name="Replace">Written <c>KEY!</c>: replace the earlier value wholesale instead of merging.</param>
public sealed record MapPatchEntry(string Key, SourceLocation KeyLocation, bool Replace, Patch Value);

public sealed record SetPatch(IReadOnlyList<SetMember> Add, IReadOnlyList<SetMember> Remove, SourceLocation Location) : Patch(Location);

public sealed record SetMember(string Name, SourceLocation Location);

public sealed record StepsPatch(IReadOnlyList<StepPatch> Steps, SourceLocation Location) : Patch(Location);

/// <param name="Key">The id, or the layer and position for a step without one.</param>
/// <param name="Body">The canonical step; null when <paramref name="Remove"/>.</param>
public sealed record StepPatch(string Key, string? Id, bool Remove, MapValue? Body, SourceLocation Location);
