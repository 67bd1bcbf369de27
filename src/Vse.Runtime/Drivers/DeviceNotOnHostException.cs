namespace Vse.Runtime.Drivers;

/// <summary>A device an instance asked for is not a device node on this host (<see cref="HostDevice.Of"/>).</summary>
public sealed class DeviceNotOnHostException(InstanceDevice device, string reason)
    : IOException($"device '{device.HostPath}'{(device.HostPath == device.Path ? "" : $" (for '{device.Path}')")} cannot be given to the instance: {reason}")
{
    public InstanceDevice Device { get; } = device;

    /// <summary>Why, without the device's name (for a diagnostic that names it already).</summary>
    public string Reason { get; } = reason;
}
