using System.Text;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;

namespace Vse.Deploy.Network;

/// <summary>
/// One deployment's private network: a bridge in a network namespace of its own (the fabric,
/// <c>/run/netns/vse-DEPLOYMENT</c>), with no link to the host's interfaces or to any other
/// deployment's fabric, so the same subnet can serve every deployment. Instances join it with a
/// veth each (<see cref="NetworkAttachment"/>). A Linux bridge takes at most 1,024 ports, so
/// every <see cref="PortsPerBridge"/> instances get a bridge of their own (<c>vse1</c>, <c>vse2</c>,
/// ...), joined to <c>vse0</c> by a veth pair: one layer-2 segment, one subnet. Deleting the
/// fabric deletes the bridges and every veth in them. For an ordinary user the fabric is a user
/// and network namespace of the user's own, held by a process (<see cref="RootlessFabric"/>).
/// <para>
/// Every instance sees the same <c>/etc/hosts</c> (all instances by hostname) and
/// <see cref="HostfilePath"/> (one line per instance, <c>HOSTNAME slots=1</c>, for
/// <c>mpirun --hostfile</c>), bound read-only from the deployment's state directory.
/// </para>
/// <para>
/// And the deployment's own SSH key pair, made at deploy time (when <c>ssh-keygen</c> is
/// there): root's identity, authorized key and client config in every instance, so an image
/// that runs sshd lets its instances reach each other as a cluster's nodes do (how
/// <c>mpirun</c> starts its daemons), and no other deployment's key opens them.
/// </para>
/// <para>
/// A deployment across hosts (<see cref="NetworkSpan"/>) has one such network per host, each with
/// every host's instances in its files and one key pair, joined by a VXLAN (<see cref="VxlanOverlay"/>).
/// </para>
/// <para>
/// Its links' MTU (<see cref="MtuFor"/>): on one host every veth (instances' and those between bridges) is as
/// large as a veth goes, so TCP between instances moves segments as large as loopback's; across hosts all stay
/// at 1,500, the VXLAN's.
/// </para>
/// </summary>
public sealed class PrivateNetwork
{
    /// <summary>Where the MPI hostfile is inside every instance.</summary>
    public const string HostfilePath = "/etc/vse/hostfile";

    /// <summary>Instances on one bridge; with the links between bridges, well under the kernel's 1,024 ports.</summary>
    public const int PortsPerBridge = 1000;

    private readonly bool _sshKeys;

    /// <summary>Rootless: the process holding the fabric's namespaces (<see cref="RootlessFabric"/>); null for root's named fabric.</summary>
    private readonly int? _fabricHolder;

    private PrivateNetwork(string fabricNamespace, AddressPlan plan, string directory, bool sshKeys, int? fabricHolder, int mtu)
    {
        _sshKeys = sshKeys;
        _fabricHolder = fabricHolder;
        FabricNamespace = fabricNamespace;
        Plan = plan;
        Directory = directory;
        Mtu = mtu;
    }

    public string FabricNamespace { get; }

    public AddressPlan Plan { get; }

    /// <summary>Holds <c>hosts</c> and <c>hostfile</c>.</summary>
    public string Directory { get; }

    /// <summary>The MTU of every veth of this network (<see cref="MtuFor"/>).</summary>
    public int Mtu { get; }

    /// <summary>
    /// The MTU of a network's veths: the largest a veth and a bridge take on one host, where TCP between
    /// instances then sends 64 KiB segments as over loopback (the LAMMPS halo exchange across four instances
    /// went from 1.38x to 1.19x the time of one instance's four ranks: bench/lammps.sh); 1,500 where a VXLAN
    /// joins hosts (<paramref name="span"/>), because a Linux bridge drops, without a word, a frame larger than
    /// the port it leaves by, and the VXLAN's is 1,500 (<see cref="VxlanOverlay.Mtu"/>).
    /// </summary>
    public static int MtuFor(NetworkSpan? span) => span is null ? NetworkAttachment.LargestMtu : VxlanOverlay.Mtu;

    public static string NamespaceOf(string deploymentId) => "vse-" + deploymentId;

    /// <summary>
    /// Makes the fabric and writes the hosts file and hostfile for <paramref name="hostnames"/> (instance i's
    /// at the plan's address i + 1). With <paramref name="span"/>, <paramref name="hostnames"/> are those of
    /// every host's instances, the fabric joins the others' by the span's overlay and the key pair is the span's.
    /// </summary>
    public static async Task<PrivateNetwork> CreateAsync(
        string deploymentId, AddressPlan plan, IReadOnlyList<string> hostnames, string directory, NetworkSpan? span, CancellationToken cancellationToken)
    {
        if (hostnames.Count > plan.Capacity)
        {
            throw new ArgumentException($"the subnet {plan} holds at most {plan.Capacity} instances; asked for {hostnames.Count}");
        }

        System.IO.Directory.CreateDirectory(directory);
        var hosts = new StringBuilder("127.0.0.1\tlocalhost\n");
        var hostfile = new StringBuilder();
        for (var i = 0; i < hostnames.Count; i++)
        {
            hosts.Append(plan.AddressOf(i)).Append('\t').Append(hostnames[i]).Append('\n');
            hostfile.Append(hostnames[i]).Append(" slots=1\n");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "hosts"), hosts.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "hostfile"), hostfile.ToString(), cancellationToken);
        var sshKeys = span is null
            ? await DeploymentKeys.CreateAsync(directory, deploymentId, cancellationToken)
            : span.KeyDirectory is { } keys && DeploymentKeys.CopyTo(keys, directory);

        var name = NamespaceOf(deploymentId);
        var mtu = MtuFor(span);
        int? holder = null;
        if (Environment.IsPrivilegedProcess)
        {
            var ip = ExternalTool.Require("ip", "iproute2");
            await ExternalTool.RunAsync(ip, ["netns", "add", name], cancellationToken);
            await ExternalTool.RunAsync(ExternalTool.Require("nsenter", "util-linux"), [$"--net=/run/netns/{name}", "--", .. FabricSysctlCommand()], cancellationToken);
            await ExternalTool.RunAsync(
                ip, ["-n", name, "-batch", "-"], cancellationToken, standardInput: new MemoryStream(Encoding.ASCII.GetBytes(FabricBatch(hostnames.Count, mtu))));
            if (span is not null)
            {
                await span.Overlay.JoinAsync(name, BridgeOf(0), cancellationToken);
            }
        }
        else if (span is not null)
        {
            // A VXLAN's socket must live in the node's own network namespace, which only root can reach.
            throw new InvalidOperationException("a private network across nodes needs root on each node (its VXLAN lives in the node's network namespace)");
        }
        else
        {
            holder = await RootlessFabric.CreateAsync(directory, FabricSysctlCommand(), FabricBatch(hostnames.Count, mtu), cancellationToken);
        }

        return new PrivateNetwork(name, plan, directory, sshKeys, holder, mtu);
    }

    public NetworkAttachment AttachmentOf(int index) =>
        new(FabricNamespace, BridgeOf(index), $"{Plan.AddressOf(index)}/{Plan.PrefixLength}", $"v{index}", _fabricHolder, Mtu);

    /// <summary>The bridge instance <paramref name="index"/> is plugged into.</summary>
    public static string BridgeOf(int index) => $"vse{index / PortsPerBridge}";

    /// <summary>
    /// The <c>ip -batch</c> lines that make the fabric's bridges for <paramref name="instances"/> instances, the veths
    /// between bridges with <paramref name="mtu"/> (<see cref="MtuFor"/>). A bridge takes the least MTU of its ports by itself.
    /// </summary>
    internal static string FabricBatch(int instances, int mtu)
    {
        var batch = new StringBuilder("link set lo up\n");
        var bridges = Math.Max(1, (instances + PortsPerBridge - 1) / PortsPerBridge);
        for (var bridge = 0; bridge < bridges; bridge++)
        {
            // Two requests: in one, "up" is applied before addrgenmode, and the bridge already gets
            // an IPv6 link-local address.
            batch.Append($"link add vse{bridge} type bridge\nlink set vse{bridge} addrgenmode none\nlink set vse{bridge} up\n");
            if (bridge > 0)
            {
                batch.Append($"link add up{bridge} mtu {mtu} type veth peer name down{bridge} mtu {mtu}\n")
                    .Append($"link set up{bridge} addrgenmode none master vse0 up\n")
                    .Append($"link set down{bridge} addrgenmode none master vse{bridge} up\n");
            }
        }

        return batch.ToString();
    }

    /// <summary>
    /// What the fabric's namespace sets before its bridges are made (each network namespace has its
    /// own): no IPv6 there (the bridges and ports carry the instances' frames and need no address;
    /// with IPv6 on, each port also adds an <c>ff00::/8</c> route that every later port and carrier
    /// change walks: quadratic in ports, native/vse-launch/NETWORK-RESULTS.md), and bridged frames
    /// not handed to iptables, ip6tables and arptables (br_netfilter, where the kernel has it, calls
    /// them for every frame by default: a cost on every packet between instances and nothing to
    /// filter in a fabric that has only its bridges).
    /// </summary>
    internal static readonly IReadOnlyList<string> FabricSysctls =
    [
        "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
        "net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0",
    ];

    /// <summary><see cref="FabricSysctls"/> as a command to run in the fabric; <c>-e</c>: a kernel without br_netfilter has no <c>net.bridge</c> keys, and then nothing to turn off.</summary>
    internal static IReadOnlyList<string> FabricSysctlCommand() => [ExternalTool.Require("sysctl", "procps"), "-q", "-e", "-w", .. FabricSysctls];

    /// <summary>The read-only binds that give every instance the deployment's hosts file, hostfile and SSH keys.</summary>
    public IReadOnlyList<InstanceMount> Mounts =>
    [
        new InstanceMount("/etc/hosts", Path.Combine(Directory, "hosts"), ReadOnly: true),
        new InstanceMount(HostfilePath, Path.Combine(Directory, "hostfile"), ReadOnly: true),
        .. _sshKeys
            ? new[]
            {
                new InstanceMount("/root/.ssh/id_ed25519", Path.Combine(Directory, DeploymentKeys.PrivateKey), ReadOnly: true),
                new InstanceMount("/root/.ssh/authorized_keys", Path.Combine(Directory, DeploymentKeys.PublicKey), ReadOnly: true),
                new InstanceMount("/root/.ssh/config", Path.Combine(Directory, DeploymentKeys.ClientConfig), ReadOnly: true),
            }
            : [],
    ];

    /// <summary>Deletes the deployment's fabric (and with it the bridge and every veth) if there is one; <paramref name="directory"/> is the network's (<see cref="Directory"/>).</summary>
    public static async Task DeleteAsync(string deploymentId, string directory, CancellationToken cancellationToken)
    {
        await RootlessFabric.DeleteAsync(directory, cancellationToken);
        var name = NamespaceOf(deploymentId);
        if (File.Exists(Path.Combine("/run/netns", name)))
        {
            await ExternalTool.RunAsync(ExternalTool.Require("ip", "iproute2"), ["netns", "delete", name], cancellationToken);
        }
    }
}
