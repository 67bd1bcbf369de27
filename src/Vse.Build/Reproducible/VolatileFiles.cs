using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Reproducible;

/// <summary>
/// Files that Debian's tools write with the clock, the process's inodes or a random id, so two
/// runs of one step never agree on them: dpkg's and apt's logs, ldconfig's aux-cache (inode
/// numbers and change times of the libraries it saw), apt's binary caches, systemd's and
/// D-Bus's machine ids and systemd's random seed, and the system log that the services of an
/// <c>online</c> step's instance write with the time. mmdebstrap cleans the Debian ones out of a
/// base (its <c>cleanup/reproducible</c> stage); a <c>packages</c> or <c>run</c> step that runs
/// dpkg writes them again, so every sandbox step's changes (its overlay's upper directory, or
/// the online instance's) pass through <see cref="Normalise"/> before they become a layer. Each
/// file is emptied, not removed: a log, a cache or the machine id that a step left is still
/// there, as Debian's own images keep an empty <c>/etc/machine-id</c> (machine-id(5): filled in
/// at first boot). SSH host keys are removed instead (<see cref="IsHostKey"/>): they are secrets
/// of one machine, made per instance when its sshd starts (docs/security.md).
/// </summary>
public static class VolatileFiles
{
    /// <summary>Emptied where a step wrote them (image paths).</summary>
    public static IReadOnlyList<string> Emptied { get; } =
    [
        // Every line starts with the time of the run.
        "/var/log/dpkg.log",
        "/var/log/alternatives.log",
        "/var/log/apt/history.log",
        "/var/log/apt/term.log",

        // apt's solver dump of the last run; compressed with the time in it.
        "/var/log/apt/eipp.log.xz",

        // Inode numbers and change times of the libraries; ldconfig reads a short file as no cache.
        "/var/cache/ldconfig/aux-cache",

        // Lists' modification times and sizes; apt rebuilds a cache it cannot read.
        "/var/cache/apt/pkgcache.bin",
        "/var/cache/apt/srcpkgcache.bin",

        // Random per installation (systemd-machine-id-setup, dbus-uuidgen); empty means "set at first boot".
        "/etc/machine-id",

        // Random bytes; systemd-random-seed treats an empty file as no seed.
        "/var/lib/systemd/random-seed",

        // The system log of an online step's instance (busybox syslogd, rsyslog): every line holds the time.
        "/var/log/messages",
        "/var/log/syslog",
        "/var/log/auth.log",
        "/var/log/daemon.log",
        "/var/log/kern.log",
        "/var/log/user.log",
    ];

    /// <summary>
    /// Part of every sandbox step's layer key: bumped whenever these rules change, so a layer
    /// cached under older rules (un-normalised) is built again instead of reused.
    /// </summary>
    public const string Revision = "volatile-files-v2";

    /// <summary>The directory of OpenSSH's host keys.</summary>
    public const string SshDirectory = "/etc/ssh";

    /// <summary>
    /// Whether <paramref name="name"/>, a file of <see cref="SshDirectory"/>, is an OpenSSH host
    /// key or its public half (<c>ssh_host_TYPE_key</c>, <c>ssh_host_TYPE_key.pub</c>), as
    /// openssh-server's postinst and <c>ssh-keygen -A</c> make them.
    /// </summary>
    public static bool IsHostKey(string name) =>
        name.StartsWith("ssh_host_", StringComparison.Ordinal) && (name.EndsWith("_key", StringComparison.Ordinal) || name.EndsWith("_key.pub", StringComparison.Ordinal));

    /// <summary>
    /// Whether an image path is one of these rules' files (<see cref="Emptied"/>,
    /// <see cref="DbusMachineId"/>, a host key in <see cref="SshDirectory"/>): what every instance
    /// writes by running (its logs, ids, seed and host keys), which a build never keeps as it was
    /// written and <c>vse diff</c> and <c>vse commit</c> therefore leave out of an instance's changes.
    /// </summary>
    public static bool IsWrittenByEveryInstance(string imagePath) =>
        Emptied.Contains(imagePath, StringComparer.Ordinal)
        || imagePath == DbusMachineId
        || (Path.GetDirectoryName(imagePath) == SshDirectory && IsHostKey(Path.GetFileName(imagePath)));

    /// <summary>D-Bus's id, which machine-id(5) says should be a link to <c>/etc/machine-id</c>.</summary>
    public const string DbusMachineId = "/var/lib/dbus/machine-id";

    /// <summary>
    /// Empties every <see cref="Emptied"/> file that <paramref name="upper"/> (a finished step's
    /// overlay upper directory: no process writes it any more) holds as a regular file, keeping
    /// its owner and mode, and makes a regular <see cref="DbusMachineId"/> a link to
    /// <c>/etc/machine-id</c>, and removes every regular SSH host key file (<see cref="IsHostKey"/>)
    /// it holds in <see cref="SshDirectory"/>: the layer then keeps its parent's (none, in every
    /// image vse builds). A path with a symlink or a non-directory on the way is left alone:
    /// the step made it, and following it could lead out of the layer. The file is replaced, never
    /// truncated in place, so another hard link to it keeps its content.
    /// </summary>
    /// <returns>The image paths that were changed, in <see cref="Emptied"/> order, then the D-Bus id, then the host keys by name.</returns>
    public static IReadOnlyList<string> Normalise(string upper, CancellationToken cancellationToken)
    {
        var changed = new List<string>();
        foreach (var path in Emptied)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (RegularFileIn(upper, path) is { } file && file.Status.Size > 0)
            {
                File.Delete(file.HostPath);
                using (File.Create(file.HostPath))
                {
                }

                NodeMetadata.SetOwner(file.HostPath, new ImageOwner(file.Status.Uid, file.Status.Gid));
                NodeMetadata.SetMode(file.HostPath, file.Status.Mode);
                changed.Add(path);
            }
        }

        if (RegularFileIn(upper, DbusMachineId) is { } dbus)
        {
            File.Delete(dbus.HostPath);
            File.CreateSymbolicLink(dbus.HostPath, "/etc/machine-id");
            changed.Add(DbusMachineId);
        }

        changed.AddRange(RemoveHostKeys(upper, cancellationToken));
        return changed;
    }

    private static IEnumerable<string> RemoveHostKeys(string upper, CancellationToken cancellationToken)
    {
        if (DirectoryIn(upper, SshDirectory) is not { } directory)
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var name in Directory.EnumerateFiles(directory).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = SshDirectory + "/" + name;
            if (IsHostKey(name) && RegularFileIn(upper, path) is { } key)
            {
                File.Delete(key.HostPath);
                removed.Add(path);
            }
        }

        return removed;
    }

    /// <summary>The host path of an image directory in <paramref name="upper"/>, when it and every directory on the way is a real one.</summary>
    private static string? DirectoryIn(string upper, string imagePath)
    {
        var hostPath = upper;
        foreach (var name in imagePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            hostPath = Path.Combine(hostPath, name);
            if (Nodes.TryGetStatus(hostPath) is not { IsDirectory: true })
            {
                return null;
            }
        }

        return hostPath;
    }

    /// <summary>The host path and status of an image path in <paramref name="upper"/>, when every directory on the way is a real one and it is a regular file.</summary>
    private static (string HostPath, NodeStatus Status)? RegularFileIn(string upper, string imagePath)
    {
        var slash = imagePath.LastIndexOf('/');
        if (DirectoryIn(upper, imagePath[..slash]) is not { } directory)
        {
            return null;
        }

        var hostPath = Path.Combine(directory, imagePath[(slash + 1)..]);
        return Nodes.TryGetStatus(hostPath) is { Type: NodeType.RegularFile } status ? (hostPath, status) : null;
    }
}
