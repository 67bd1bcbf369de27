namespace Vse.Build.Rootless;

/// <summary>Either a build namespace the user can enter, or the one-line reason (with its fix) why not.</summary>
public sealed record BuildNamespaceProbe(BuildNamespace? Namespace, string? Problem);
