using Vse.Deploy.Network;
using Vse.Testing;

namespace Vse.Deploy.Tests.Network;

public sealed class FabricTests
{
    [Fact]
    public void A_deployment_that_fits_one_bridge_gets_one_bridge()
    {
        Assert.Equal("link set lo up\nlink add vse0 type bridge\nlink set vse0 addrgenmode none\nlink set vse0 up\n", PrivateNetwork.FabricBatch(1000));
        Assert.Equal("vse0", PrivateNetwork.BridgeOf(999));
    }

    [Fact]
    public void Beyond_a_bridge_s_ports_more_bridges_join_the_first_so_all_instances_share_one_segment()
    {
        var batch = PrivateNetwork.FabricBatch(2001).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, batch.Count(line => line.EndsWith(" type bridge", StringComparison.Ordinal)));
        Assert.Contains("link add up2 type veth peer name down2", batch);
        Assert.Contains("link set up2 addrgenmode none master vse0 up", batch);
        Assert.Contains("link set down2 addrgenmode none master vse2 up", batch);
        Assert.Equal("vse1", PrivateNetwork.BridgeOf(1000));
        Assert.Equal("vse2", PrivateNetwork.BridgeOf(2000));
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
