namespace Vse.Runtime.Drivers;

/// <summary>
/// A host device node given to the instance at <paramref name="Path"/> (under <c>/dev</c>), made from
/// the node at <paramref name="HostPath"/>: the canonical path deploy checked against site policy.
/// The two differ only where discovery read a host root other than <c>/</c> (a fake device tree in
/// tests) or the description named a symlink.
/// </summary>
public sealed record InstanceDevice(string Path, string HostPath);
