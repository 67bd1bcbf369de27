using System.Text.RegularExpressions;

namespace Vse.Runtime.Drivers;

/// <summary>The first step of every driver's create: the spec checked, and the instance's own state directory made.</summary>
public static partial class InstanceStateDirectory
{
    /// <summary>
    /// Checks what every driver requires of a spec (runc's container id rule; a private network
    /// exactly with its attachment) and makes the state directory, which must not exist yet:
    /// an existing one belongs to another instance, or to one not removed.
    /// </summary>
    public static InstanceHandle Claim(string driverName, InstanceSpec spec)
    {
        if (!ValidId().IsMatch(spec.Id))
        {
            throw new ArgumentException($"'{spec.Id}' is not a valid instance id (letters, digits, '_', '+', '.', '-')", nameof(spec));
        }

        if ((spec.Network == NetworkMode.Private) != (spec.Attachment is not null))
        {
            throw new ArgumentException("an instance joins a private network exactly when it has the network's attachment", nameof(spec));
        }

        var handle = new InstanceHandle(driverName, spec.Id, Path.GetFullPath(spec.StateDirectory));
        if (Directory.Exists(handle.StateDirectory))
        {
            throw new IOException($"the state directory of instance '{spec.Id}' already exists: {handle.StateDirectory}");
        }

        Directory.CreateDirectory(handle.StateDirectory);
        return handle;
    }

    [GeneratedRegex(@"^[\w+.-]+$")]
    private static partial Regex ValidId();
}
