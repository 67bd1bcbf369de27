namespace Vse.Runtime.Drivers;

/// <summary>A mount's host source could not be pinned for the runtime (<see cref="PinnedMounts"/>).</summary>
public sealed class MountSourceException(InstanceMount mount, string reason)
    : IOException($"mount source '{mount.Source}' for '{mount.Target}' cannot be mounted: {reason}")
{
    public InstanceMount Mount { get; } = mount;
}
