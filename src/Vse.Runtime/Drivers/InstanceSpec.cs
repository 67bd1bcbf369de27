using Vse.Description.Model;

namespace Vse.Runtime.Drivers;

/// <summary>
/// Everything a driver needs to create one instance. <paramref name="Rootfs"/> is a built
/// configuration: immutable and shared with other layers by hard links, so drivers only ever
/// read it and put every change in <paramref name="StateDirectory"/>.
/// </summary>
/// <param name="Id">Unique on the host; names the runtime's container.</param>
/// <param name="StateDirectory">The instance's own writable directory (upper layer, bundle); removed with the instance.</param>
/// <param name="MemoryBytes">The memory limit, or null for none.</param>
/// <param name="Cpus">The CPU limit in whole CPUs, or null for none.</param>
/// <param name="Attachment">With <see cref="NetworkMode.Private"/>: the deployment's network the instance joins.</param>
/// <param name="Boot">The kernel a VM instance boots; sandboxes share the host's and ignore it.</param>
/// <param name="Security">
/// What the description relaxes of a sandbox's confinement (policy allowed it at deploy); null: none.
/// A VM's guest runs its own kernel, so deploy refuses <c>security</c> for the VM driver.
/// </param>
/// <param name="Devices">
/// Host device nodes the instance gets (site policy allowed them at deploy); null: none. Sandboxes
/// only: the VM driver passes no device through, so deploy refuses <c>devices</c> for it.
/// </param>
/// <param name="SharedNetwork">
/// With <see cref="NetworkMode.None"/>: the network namespace the instance is made in, shared with
/// the deployment's other instances on this host (<c>network.loopback: shared</c>); null: a new one
/// of its own. Sandboxes only.
/// </param>
/// <param name="ChangesDisk">
/// VM only: a disk made by <see cref="Vm.VmChangesDisk.CreateAsync"/> that takes every change
/// the guest makes to its root (an online build step's capture); null for an ordinary instance,
/// which writes into its own disk overlay.
/// </param>
public sealed record InstanceSpec(
    string Id,
    string Hostname,
    string Rootfs,
    string StateDirectory,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<InstanceMount> Mounts,
    int? Cpus,
    long? MemoryBytes,
    NetworkMode Network,
    IReadOnlyList<string> Services,
    NetworkAttachment? Attachment = null,
    VmBoot? Boot = null,
    SecuritySettings? Security = null,
    IReadOnlyList<InstanceDevice>? Devices = null,
    string? ChangesDisk = null,
    SharedNetworkNamespace? SharedNetwork = null);
