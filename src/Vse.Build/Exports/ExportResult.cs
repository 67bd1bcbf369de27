namespace Vse.Build.Exports;

/// <summary>
/// What an export left out of the tree or changed in it. Only the <c>dir</c> export changes
/// anything: it makes live files on this host, where an image's device node would be a door
/// to the host's hardware and its set-user-ID binary a way to the host's root. Archive
/// exports (tar, oci, squashfs, ext4, qcow2) are data and keep the tree as it is.
/// </summary>
/// <param name="DeviceNodesSkipped">Character and block devices not created.</param>
/// <param name="SocketsSkipped">Sockets not created (meaningless without the process that bound them).</param>
/// <param name="SetIdBitsCleared">Files whose set-user-ID or set-group-ID bit was cleared.</param>
/// <param name="CapabilitiesDropped">Files whose capabilities (<c>security.capability</c>) were not copied.</param>
public sealed record ExportResult(int DeviceNodesSkipped, int SocketsSkipped, int SetIdBitsCleared, int CapabilitiesDropped)
{
    /// <summary>The tree exported as it is.</summary>
    public static ExportResult Unchanged { get; } = new(0, 0, 0, 0);

    /// <summary>One line per kind of change, for the caller to show; empty when nothing changed.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var lines = new List<string>();
            const string Why = "a dir export makes live files on this host; archive exports keep them";
            if (DeviceNodesSkipped > 0)
            {
                lines.Add($"{DeviceNodesSkipped} device node{Plural(DeviceNodesSkipped)} not created ({Why})");
            }

            if (SocketsSkipped > 0)
            {
                lines.Add($"{SocketsSkipped} socket{Plural(SocketsSkipped)} not created");
            }

            if (SetIdBitsCleared > 0)
            {
                lines.Add($"set-user-ID/set-group-ID bits cleared on {SetIdBitsCleared} file{Plural(SetIdBitsCleared)} ({Why})");
            }

            if (CapabilitiesDropped > 0)
            {
                lines.Add($"file capabilities dropped from {CapabilitiesDropped} file{Plural(CapabilitiesDropped)} ({Why})");
            }

            return lines;
        }
    }

    private static string Plural(int count) => count == 1 ? "" : "s";
}
