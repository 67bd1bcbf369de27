namespace Vse.Runtime.Drivers;

/// <summary>
/// A network namespace the instances of a deployment are made in instead of one each
/// (<c>network.loopback: shared</c>).
/// </summary>
/// <param name="Path">The namespace's file: <c>/run/netns/NAME</c>, rootless <c>/proc/HOLDER/ns/net</c>.</param>
/// <param name="UserNamespacePath">
/// Rootless: the user namespace that owns it (<c>/proc/HOLDER/ns/user</c>), which the launcher joins
/// first and makes its instances in; null for root's.
/// </param>
public sealed record SharedNetworkNamespace(string Path, string? UserNamespacePath = null);
