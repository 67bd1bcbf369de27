using System.Net;
using System.Net.Sockets;

namespace Vse.Deploy.Network;

/// <summary>
/// The addresses of a private network: instance i gets the (i+1)-th address of the subnet, so
/// the network address is never given and an address can be computed without asking anyone.
/// </summary>
public sealed record AddressPlan(IPAddress Network, int PrefixLength)
{
    /// <summary>Where a description says nothing: a range hosts seldom use for their own networks.</summary>
    public const string DefaultSubnet = "10.210.0.0/16";

    /// <exception cref="FormatException">Not an IPv4 CIDR with a prefix from 8 to 30.</exception>
    public static AddressPlan Parse(string cidr)
    {
        var parts = cidr.Split('/');
        if (parts.Length != 2 || parts[0].Split('.').Length != 4 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) || prefix is < 8 or > 30)
        {
            throw new FormatException($"'{cidr}' is not an IPv4 subnet such as {DefaultSubnet} (prefix length 8 to 30)");
        }

        var mask = uint.MaxValue << (32 - prefix);
        return new AddressPlan(FromNumber(ToNumber(address) & mask), prefix);
    }

    /// <summary>How many instances fit: every address but the network's and the broadcast.</summary>
    public long Capacity => (1L << (32 - PrefixLength)) - 2;

    public IPAddress AddressOf(int index)
    {
        if (index < 0 || index >= Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"subnet {this} has room for {Capacity} instances, not {index + 1}");
        }

        return FromNumber(ToNumber(Network) + (uint)index + 1);
    }

    public override string ToString() => $"{Network}/{PrefixLength}";

    private static uint ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    private static IPAddress FromNumber(uint number) =>
        new([(byte)(number >> 24), (byte)(number >> 16), (byte)(number >> 8), (byte)number]);
}
