namespace Vse.Runtime.Drivers;

/// <summary>Where a live migration goes.</summary>
/// <param name="NetworkNamespace">The destination host: a network namespace file (<c>/run/netns/NAME</c>), the way a node of a virtual cluster on one machine is one.</param>
/// <param name="Address">An IPv4 address the destination has in that namespace, reachable from the instance's current host; the state travels over TCP to it.</param>
public sealed record MigrationTarget(string NetworkNamespace, string Address);
