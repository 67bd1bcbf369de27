namespace Vse.Runtime.Drivers;

/// <summary>
/// Where an instance joins a deployment's private network: a bridge inside a network namespace
/// of the deployment's own (the fabric), which has no link to the host's networks.
/// </summary>
/// <param name="FabricNamespace">The fabric's name under <c>/run/netns</c> (<c>ip netns</c>).</param>
/// <param name="Bridge">The bridge in the fabric the instance's link is plugged into.</param>
/// <param name="Address">The instance's address with the network's prefix length, e.g. <c>10.210.0.5/16</c>.</param>
/// <param name="FabricInterface">The name of the instance's link on the fabric side (at most 15 characters).</param>
/// <param name="FabricHolder">
/// Rootless: the process that holds the fabric's user and network namespaces (an ordinary user
/// cannot name one under <c>/run/netns</c>); instances join that user namespace, so their network
/// namespaces are the fabric's to plug into. Null for root's fabric, named <paramref name="FabricNamespace"/>.
/// </param>
/// <param name="Mtu">
/// The MTU of both ends of a sandbox's veth pair (the fabric's port and the instance's <c>eth0</c>); the
/// network decides it (<c>PrivateNetwork</c>: <see cref="LargestMtu"/> on one host, <see cref="EthernetMtu"/>
/// where a VXLAN joins hosts). A VM's tap ignores it: the guest's virtio-net link stays at 1,500.
/// </param>
public sealed record NetworkAttachment(
    string FabricNamespace, string Bridge, string Address, string FabricInterface, int? FabricHolder = null, int Mtu = NetworkAttachment.EthernetMtu)
{
    /// <summary>The kernel's default for a new veth, tap or VXLAN: what a link across hosts keeps.</summary>
    public const int EthernetMtu = 1500;

    /// <summary>
    /// The most a veth and a Linux bridge take (<c>ip -d link</c>: maxmtu 65535). Instances on one host then
    /// send as loopback does (65,536): an MPI halo message is a few segments, not dozens of 1,448-byte ones.
    /// </summary>
    public const int LargestMtu = 65535;

    /// <summary>The fabric's network namespace as a path.</summary>
    public string FabricNetworkPath => FabricHolder is { } pid ? $"/proc/{pid}/ns/net" : Path.Combine("/run/netns", FabricNamespace);

    /// <summary>Rootless: the fabric's user namespace, which the instance joins; null for root's fabric.</summary>
    public string? FabricUserNamespacePath => FabricHolder is { } pid ? $"/proc/{pid}/ns/user" : null;
}
