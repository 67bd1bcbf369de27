using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// Which launched instances share one sysfs (<c>vse-launch --sysfs-netns</c>): those without a
/// network, started by root. A new sysfs per instance costs the kernel a linear scan of every
/// sysfs superblock on the host (one per network namespace, so one per instance) and leaves one
/// more for the next: O(N^2) over a deployment (docs/runtime.md, "Scale"). What sysfs shows of a
/// network namespace is its links, and an instance without a network has only its own <c>lo</c>:
/// a sysfs made once in an empty namespace (lo only, up) shows it exactly that. An instance on a
/// private network must see its own <c>eth0</c>, so it keeps a sysfs of its own; so does one in a
/// user namespace, which may mount only a sysfs of a network namespace it owns.
/// </summary>
internal static class SharedSysfs
{
    /// <summary>
    /// The empty network namespace the shared sysfs is made in: bound here once per host by the
    /// first launcher that needs it (as <c>ip netns add</c> binds) and kept, since running instances'
    /// <c>/sys/class/net/lo</c> lasts only as long as it does. It holds nothing but <c>lo</c>.
    /// </summary>
    public const string EmptyNetworkNamespace = "/run/netns/vse-sysfs";

    /// <summary>The namespace to pass as <c>--sysfs-netns</c> for instances like <paramref name="spec"/>, or null: a sysfs each.</summary>
    /// <param name="userNamespace">Whether instances get a user namespace of their own (rootless).</param>
    public static string? NamespaceFor(InstanceSpec spec, bool userNamespace) =>
        spec.Network == NetworkMode.None && spec.Attachment is null && !userNamespace ? EmptyNetworkNamespace : null;
}
