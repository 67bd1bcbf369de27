using Vse.Host.Interop;

namespace Vse.Host.Processes;

/// <summary>The effective user and group ids of this process.</summary>
public sealed record ProcessIdentity(uint Uid, uint Gid)
{
    // Lazy: asking only whether this process is root must not read /proc.
    private static readonly Lazy<ProcessIdentity> current = new(Read);

    public static ProcessIdentity Current => current.Value;

    private static readonly Lazy<bool> hostRootMapped = new(ReadHostRootMapped);

    /// <summary>geteuid() is 0: the kernel treats this process as root.</summary>
    public static bool IsRoot => Libc.Geteuid() == 0;

    /// <summary>
    /// Root, and root of the host: uid 0 here is uid 0 outside every user namespace. False for
    /// root of a user namespace that maps 0 to an ordinary user (vse's rootless build namespace),
    /// whose files owned by "root" that user can change.
    /// </summary>
    public static bool IsHostRoot => IsRoot && hostRootMapped.Value;

    // uid_map lines are "INSIDE OUTSIDE COUNT"; the initial namespace maps 0 to 0.
    private static bool ReadHostRootMapped() =>
        File.ReadLines("/proc/self/uid_map")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields is ["0", "0", _]);

    // The effective ids are what the kernel checks; asked of the kernel, not read from
    // /proc/self/status (a file read and a parse on every start of a repeated command).
    private static ProcessIdentity Read() => new(Libc.Geteuid(), Libc.Getegid());
}
