using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Reproducible;

/// <summary>
/// Files that Debian's tools write with the clock, the process's inodes or a random id, so two
/// runs of one step never agree on them: dpkg's and apt's logs, ldconfig's aux-cache (inode
/// numbers and change times of the libraries it saw), apt's binary caches, systemd's and
/// D-Bus's machine ids and systemd's random seed. mmdebstrap cleans the same ones out of a base
/// (its <c>cleanup/reproducible</c> stage); a <c>packages</c> or <c>run</c> step that runs dpkg
/// writes them again, so every sandbox step's changes (its overlay's upper directory) pass
/// through <see cref="Normalise"/> before they become a layer. Each file is emptied, not
/// removed: a log, a cache or the machine id that a step left is still there, as Debian's own
/// images keep an empty <c>/etc/machine-id</c> (machine-id(5): filled in at first boot).
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
    ];

    /// <summary>D-Bus's id, which machine-id(5) says should be a link to <c>/etc/machine-id</c>.</summary>
    public const string DbusMachineId = "/var/lib/dbus/machine-id";

    /// <summary>
    /// Empties every <see cref="Emptied"/> file that <paramref name="upper"/> (a finished step's
    /// overlay upper directory: no process writes it any more) holds as a regular file, keeping
    /// its owner and mode, and makes a regular <see cref="DbusMachineId"/> a link to
    /// <c>/etc/machine-id</c>. A path with a symlink or a non-directory on the way is left alone:
    /// the step made it, and following it could lead out of the layer. The file is replaced, never
    /// truncated in place, so another hard link to it keeps its content.
    /// </summary>
    /// <returns>The image paths that were changed, in <see cref="Emptied"/> order.</returns>
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

        return changed;
    }

    /// <summary>The host path and status of an image path in <paramref name="upper"/>, when every directory on the way is a real one and it is a regular file.</summary>
    private static (string HostPath, NodeStatus Status)? RegularFileIn(string upper, string imagePath)
    {
        var hostPath = upper;
        var names = imagePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < names.Length; i++)
        {
            hostPath = Path.Combine(hostPath, names[i]);
            var status = Nodes.TryGetStatus(hostPath);
            var last = i == names.Length - 1;
            if (status is null || (last ? status.Type != NodeType.RegularFile : !status.IsDirectory))
            {
                return null;
            }

            if (last)
            {
                return (hostPath, status);
            }
        }

        return null;
    }
}
