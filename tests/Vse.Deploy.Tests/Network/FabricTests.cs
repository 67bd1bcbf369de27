using System.Net;
using Vse.Deploy.Network;
using Vse.Testing;

namespace Vse.Deploy.Tests.Network;

public sealed class FabricTests
{
    [Fact]
    public void A_deployment_that_fits_one_bridge_gets_one_bridge()
    {
        Assert.Equal("link set lo up\nlink add vse0 type bridge\nlink set vse0 addrgenmode none\nlink set vse0 up\n", PrivateNetwork.FabricBatch(1000, 65535));
        Assert.Equal("vse0", PrivateNetwork.BridgeOf(999));
    }

    [Fact]
    public void Beyond_a_bridge_s_ports_more_bridges_join_the_first_so_all_instances_share_one_segment()
    {
        var batch = PrivateNetwork.FabricBatch(2001, 1500).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, batch.Count(line => line.EndsWith(" type bridge", StringComparison.Ordinal)));
        Assert.Contains("link add up2 mtu 1500 type veth peer name down2 mtu 1500", batch);
        Assert.Contains("link set up2 addrgenmode none master vse0 up", batch);
        Assert.Contains("link set down2 addrgenmode none master vse2 up", batch);
        Assert.Equal("vse1", PrivateNetwork.BridgeOf(1000));
        Assert.Equal("vse2", PrivateNetwork.BridgeOf(2000));
    }

    [Fact]
    public void A_network_on_one_host_gets_the_largest_mtu_a_veth_takes_and_one_across_hosts_keeps_the_vxlan_s()
    {
        Assert.Equal(65535, PrivateNetwork.MtuFor(span: null));
        var span = new NetworkSpan(8, new VxlanOverlay(42, IPAddress.Parse("10.0.0.1"), [IPAddress.Parse("10.0.0.2")]), KeyDirectory: null);
        Assert.Equal(1500, PrivateNetwork.MtuFor(span));
        Assert.Equal(VxlanOverlay.Mtu, PrivateNetwork.MtuFor(span));
    }

    [Fact]
    public void Links_between_bridges_get_the_network_s_mtu_so_no_bridge_drops_a_large_frame_on_its_way()
    {
        var batch = PrivateNetwork.FabricBatch(1001, 65535).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("link add up1 mtu 65535 type veth peer name down1 mtu 65535", batch);
    }

    [SkippableFact]
    public void The_fabric_turns_off_its_ipv6_and_bridge_netfilter_and_tolerates_a_kernel_without_bridge_netfilter()
    {
        Requirements.Tool("sysctl");
        var command = PrivateNetwork.FabricSysctlCommand();

        Assert.EndsWith("/sysctl", command[0], StringComparison.Ordinal);
        // -e: no net.bridge keys without br_netfilter, which is then no cost to turn off.
        Assert.Equal(["-q", "-e", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
            "net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0"], command.Skip(1));
    }
}
