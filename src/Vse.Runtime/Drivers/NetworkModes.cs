namespace Vse.Runtime.Drivers;

/// <summary>Spelling of <see cref="NetworkMode"/> in descriptions.</summary>
public static class NetworkModes
{
    public static string Name(NetworkMode mode) => mode switch
    {
        NetworkMode.None => "none",
        NetworkMode.Private => "private",
        NetworkMode.Host => "host",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static NetworkMode Parse(string name) => name switch
    {
        "none" => NetworkMode.None,
        "private" => NetworkMode.Private,
        "host" => NetworkMode.Host,
        _ => throw new FormatException($"unknown network mode '{name}' (none, private or host)"),
    };
}
