namespace Vse.Runtime.Drivers;

/// <summary>The description's <c>network.mode</c>.</summary>
public enum NetworkMode
{
    /// <summary>A network namespace of its own with loopback only.</summary>
    None,

    /// <summary>A network joining the deployment's instances (and nothing else).</summary>
    Private,

    /// <summary>The host's network namespace.</summary>
    Host,
}
