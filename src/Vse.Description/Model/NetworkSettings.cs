namespace Vse.Description.Model;

/// <summary><c>network</c>: null where the description sets nothing, for the reader's own default.</summary>
/// <param name="Mode"><c>none</c>, <c>private</c> or <c>host</c>.</param>
/// <param name="Subnet">The private network's IPv4 CIDR.</param>
/// <param name="SharedLoopback">
/// <c>loopback: shared</c>: the instances of a deployment on one host share one network namespace
/// with only a loopback, instead of one each (<c>own</c>, the default); with mode <c>none</c> only.
/// </param>
public sealed record NetworkSettings(string? Mode, string? Subnet, bool SharedLoopback = false)
{
    public static NetworkSettings Unset { get; } = new(null, null);
}
