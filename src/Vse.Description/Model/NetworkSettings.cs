namespace Vse.Description.Model;

/// <summary><c>network</c>: null where the description sets nothing, for the reader's own default.</summary>
/// <param name="Mode"><c>none</c>, <c>private</c> or <c>host</c>.</param>
/// <param name="Subnet">The private network's IPv4 CIDR.</param>
public sealed record NetworkSettings(string? Mode, string? Subnet)
{
    public static NetworkSettings Unset { get; } = new(null, null);
}
