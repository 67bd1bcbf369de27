namespace Vse.Runtime.Drivers;

/// <summary>
/// Where an instance joins a deployment's private network: a bridge inside a network namespace
/// of the deployment's own (the fabric), which has no link to the host's networks.
/// </summary>
/// <param name="FabricNamespace">The fabric's name under <c>/run/netns</c> (<c>ip netns</c>).</param>
/// <param name="Bridge">The bridge in the fabric the instance's link is plugged into.</param>
/// <param name="Address">The instance's address with the network's prefix length, e.g. <c>10.210.0.5/16</c>.</param>
/// <param name="FabricInterface">The name of the instance's link on the fabric side (at most 15 characters).</param>
public sealed record NetworkAttachment(string FabricNamespace, string Bridge, string Address, string FabricInterface);
