namespace Vse.Runtime.Host;

/// <summary>The cgroup layout of this host, as the mount table shows it.</summary>
/// <param name="V2MountPoint">Where the v2 hierarchy is mounted, or null without one.</param>
/// <param name="V1Controllers">Controllers bound to v1 hierarchies (sorted).</param>
/// <param name="V2Controllers">Controllers the v2 hierarchy offers (its <c>cgroup.controllers</c>); few or none on a hybrid host, where the v1 hierarchies hold them.</param>
public sealed record CgroupReport(CgroupLayout Layout, string? V2MountPoint, IReadOnlyList<string> V1Controllers, IReadOnlyList<string> V2Controllers);
