using Vse.Deploy.Network;

namespace Vse.Deploy.Tests.Network;

public sealed class AddressPlanTests
{
    [Theory]
    [InlineData("10.77.0.0/16", 0, "10.77.0.1")]
    [InlineData("10.77.0.0/16", 254, "10.77.0.255")]
    [InlineData("10.77.0.0/16", 255, "10.77.1.0")]
    [InlineData("10.77.3.9/16", 0, "10.77.0.1")]
    [InlineData("192.168.5.0/30", 1, "192.168.5.2")]
    public void InstanceIGetsTheIPlusFirstAddressOfTheSubnet(string subnet, int index, string expected) =>
        Assert.Equal(expected, AddressPlan.Parse(subnet).AddressOf(index).ToString());

    [Theory]
    [InlineData("10.0.0.0/30", 2)]
    [InlineData("10.0.0.0/24", 254)]
    [InlineData("10.0.0.0/16", 65534)]
    public void CapacityLeavesOutTheNetworkAndBroadcastAddresses(string subnet, long capacity) =>
        Assert.Equal(capacity, AddressPlan.Parse(subnet).Capacity);

    [Fact]
    public void AnAddressPastTheSubnetIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AddressPlan.Parse("10.0.0.0/30").AddressOf(2));

    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/31")]
    [InlineData("10.0.0.0/7")]
    [InlineData("fd00::/64")]
    [InlineData("10.0.0.0/16; reboot")]
    [InlineData("10.0.0/16")]
    public void OnlyIPv4SubnetsWithRoomAreAccepted(string subnet) =>
        Assert.Throws<FormatException>(() => AddressPlan.Parse(subnet));
}
