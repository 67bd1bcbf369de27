using Vse.Description.Diagnostics;
using Vse.Runtime.Drivers;

namespace Vse.Deploy;

/// <summary>
/// The mounts a deployment may make (<see cref="DeployPolicy.GrantMounts"/>): canonical sources
/// that site policy allowed, or, when <see cref="Diagnostics"/> has errors, nothing to use.
/// </summary>
public sealed record MountGrant(IReadOnlyList<InstanceMount> Mounts, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Allowed => !Diagnostics.Any(d => d.IsError);
}
