namespace Vse.Deploy;

/// <summary>Instances started and failed so far, out of <see cref="Total"/>.</summary>
public sealed record DeployProgress(int Started, int Failed, int Total);
