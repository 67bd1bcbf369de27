namespace Vse.Build.Steps;

/// <summary>What a step works on.</summary>
/// <param name="ParentRootfs">The finished layer below (null for a base).</param>
/// <param name="Rootfs">The new layer's tree: empty for a base, else a clone of the parent to change.</param>
/// <param name="Scratch">A directory for temporaries on the same filesystem as <paramref name="Rootfs"/>.</param>
public sealed record StepContext(string? ParentRootfs, string Rootfs, string Scratch, Action<string>? OnOutputLine);
