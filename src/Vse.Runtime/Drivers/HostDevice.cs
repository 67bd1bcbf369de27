using Vse.Host.FileSystem;

namespace Vse.Runtime.Drivers;

/// <summary>
/// What a runtime needs to make or allow a device in an instance: its type, numbers, mode and
/// owner, as the host's node has them (runc's <c>linux.devices</c> and cgroup device rules, the
/// bulk launcher's own <c>stat</c>).
/// </summary>
/// <param name="Block">True for a block device (<c>b</c>), false for a character device (<c>c</c>).</param>
public sealed record HostDevice(InstanceDevice Device, bool Block, uint Major, uint Minor, UnixFileMode Mode, uint Uid, uint Gid)
{
    /// <summary>The type letter of the OCI spec and the cgroup v1 device rules.</summary>
    public string Type => Block ? "b" : "c";

    /// <summary>The node behind <see cref="InstanceDevice.HostPath"/> (a final symlink followed).</summary>
    /// <exception cref="DeviceNotOnHostException">Nothing is there, or it is not a character or block device.</exception>
    public static HostDevice Of(InstanceDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var status = Nodes.TryGetStatus(device.HostPath, followSymlink: true)
            ?? throw new DeviceNotOnHostException(device, "it does not exist on this host");
        return status.Type switch
        {
            NodeType.CharacterDevice or NodeType.BlockDevice =>
                new HostDevice(device, status.Type == NodeType.BlockDevice, status.DeviceMajor, status.DeviceMinor, status.Mode, status.Uid, status.Gid),
            _ => throw new DeviceNotOnHostException(device, $"it is not a device node on this host (a {Describe(status.Type)})"),
        };
    }

    private static string Describe(NodeType type) => type switch
    {
        NodeType.RegularFile => "regular file",
        NodeType.Directory => "directory",
        NodeType.Fifo => "fifo",
        NodeType.Socket => "socket",
        _ => type.ToString().ToLowerInvariant(),
    };
}
