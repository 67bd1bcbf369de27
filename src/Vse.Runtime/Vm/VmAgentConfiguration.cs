using Vse.Runtime.Drivers;

namespace Vse.Runtime.Vm;

/// <summary>
/// An instance's configuration as the guest agent's <c>C</c> records (native/vse-agent/PROTOCOL.md):
/// values travel as strings of their own and the agent applies them with system calls, so no
/// description value is ever read by a shell in the guest.
/// </summary>
internal static class VmAgentConfiguration
{
    public const string Interface = "eth0";

    /// <summary>The granted files (not directories), copied into the guest before it is configured.</summary>
    public static IEnumerable<InstanceMount> CopiedFiles(InstanceSpec spec) => spec.Mounts.Where(mount => File.Exists(mount.Source));

    public static IReadOnlyList<string> Records(InstanceSpec spec)
    {
        List<string> records = ["hostname", spec.Hostname];
        foreach (var (key, value) in spec.Env)
        {
            records.AddRange(["env", key + "=" + value]);
        }

        foreach (var (mount, index) in QemuMachine.Shared(spec.Mounts).Select((mount, index) => (mount, index)))
        {
            records.AddRange(["mount9p", QemuMachine.ShareTag(index), mount.Target, mount.ReadOnly ? "ro" : "rw"]);
        }

        if (spec.Attachment is { } attachment)
        {
            records.AddRange(["address", Interface, attachment.Address]);
        }

        foreach (var service in spec.Services)
        {
            records.AddRange(["service", service]);
        }

        return records;
    }
}
