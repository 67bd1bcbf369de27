namespace Vse.Deploy;

/// <summary>Instances started and failed so far, out of <see cref="Total"/>; or, with <see cref="Step"/>, a step before any starts.</summary>
/// <param name="Step">What the deploy does before starting instances, when it may take a while (a kernel fetched the first time), else null.</param>
/// <param name="Warning">Something the deploy cannot do as asked but goes on without (a limit this host cannot apply), said once before any instance starts; else null.</param>
public sealed record DeployProgress(int Started, int Failed, int Total, string? Step = null, string? Warning = null);
