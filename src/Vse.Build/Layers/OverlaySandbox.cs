using Vse.Build.Confinement;
using Vse.Host.Confinement;
using Vse.Host.Processes;

namespace Vse.Build.Layers;

/// <summary>
/// Runs a command inside an image during a build, never on the host: the parent layer is the
/// read-only lower directory of an overlay (mounted nodev, nosuid) whose upper directory collects
/// every change the command makes; bubblewrap then confines the command to the merged tree with
/// its own pid, ipc and uts namespaces, a fresh /proc and a minimal /dev. The overlay is mounted in
/// a private mount namespace made by <c>unshare</c>, so it disappears with the process, a crash
/// included, and the host's mount table never sees it.
/// </summary>
/// <remarks>
/// The command runs as root: the host's real root, or root of the rootless build namespace (an
/// ordinary user with its subordinate ids, <see cref="Rootless.BuildNamespace"/>); dpkg must own
/// the lower layer's files. What holds it in either way is: only <see cref="BuildStepCapabilities"/>,
/// no new privileges, <see cref="SeccompProfile"/> (no mount, no namespaces, no kernel keyring,
/// modules or file handles), runc's read-only and masked /proc paths, a network namespace of its
/// own with loopback only unless the command needs the host's (apt fetching packages), and death
/// with vse (<c>--die-with-parent</c>, forked from a thread that lives as long as the step).
/// docs/security.md has the table.
/// </remarks>
public static class OverlaySandbox
{
    // A fixed script: every value, paths and command alike, arrives as a positional argument and
    // is never parsed by the shell. It mounts the overlay, then becomes the remaining command
    // (bubblewrap) with the seccomp program open on fd 9 for its --seccomp.
    private const string MountThenExec = """
        set -eu
        mount -t overlay overlay -o "$1" "$2"
        filter=$3
        shift 3
        exec "$@" 9<"$filter"
        """;

    /// <summary>The fd <see cref="MountThenExec"/> opens the seccomp program on.</summary>
    private const string FilterFd = "9";

    /// <summary>
    /// runc's read-only paths. bubblewrap 0.8's <c>--proc</c> made irq and bus read-only here but
    /// left /proc/sys writable to a root caller (core_pattern: a program the host runs as root).
    /// </summary>
    private static readonly string[] ReadOnlyProcPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>runc's masked paths of /proc (the step has no /sys): files get /dev/null, directories an empty read-only tmpfs.</summary>
    private static readonly string[] MaskedProcPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    ];

    /// <param name="filter">Where the compiled seccomp program is written (a scratch file of the step).</param>
    public static async Task RunAsync(
        string lower, string upper, string work, string merged, string filter, ImageCommand command, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        foreach (var path in new[] { lower, upper, work, merged })
        {
            // overlayfs options are a comma-separated list; such a path would change their meaning.
            if (path.IndexOfAny([',', ':']) >= 0)
            {
                throw new ArgumentException($"store path '{path}' contains ',' or ':', which overlayfs options cannot carry; choose another VSE_HOME");
            }
        }

        var unshare = ExternalTool.Require("unshare", "util-linux");
        var bwrap = ExternalTool.Require("bwrap", "bubblewrap");
        ExternalTool.Require("mount", "mount");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        SeccompFilter.Write(filter);
        var hadResolvConf = File.Exists(Path.Combine(lower, "etc", "resolv.conf"));

        List<string> arguments =
        [
            "--mount", "--propagation", "private", "--",
            "/bin/sh", "-c", MountThenExec, "vse-build", OverlayOptions(lower, upper, work), merged, filter,
            bwrap,
            "--bind", merged, "/",
            "--dev", "/dev",
            "--proc", "/proc",
            .. ProcConfinement(),
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            .. command.HostNetwork ? Array.Empty<string>() : ["--unshare-net"],
            "--hostname", "vse-build",
            // Its signal fires when the thread that forked bwrap exits: ExternalTool forks from a
            // thread of its own that lives exactly as long as bwrap (ForkingThread).
            "--die-with-parent",
            "--cap-drop", "ALL",
            .. BuildStepCapabilities.Kept.SelectMany(capability => new[] { "--cap-add", capability }),
            "--seccomp", FilterFd,
            "--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf",
            "--chdir", command.WorkingDirectory,
            "--clearenv",
        ];
        foreach (var (key, value) in command.Environment)
        {
            arguments.AddRange(["--setenv", key, value]);
        }

        arguments.Add("--");
        arguments.AddRange(command.Arguments);
        try
        {
            await ExternalTool.RunAsync(unshare, arguments, cancellationToken, onOutputLine, forkFromOwnThread: true);
        }
        finally
        {
            RemoveMountPoints(upper, hadResolvConf);
        }
    }

    /// <summary>
    /// The overlay's options. In a user namespace (the rootless build namespace) overlayfs may not
    /// use trusted.* xattrs: <c>userxattr</c> makes it record opaque directories in user.*
    /// (without it, deleting a lower directory fails with EIO), which <see cref="OverlayMarkers"/> reads.
    /// The paths were checked for ',' and ':' by the caller.
    /// </summary>
    internal static string OverlayOptions(string lower, string upper, string work) =>
        $"nodev,nosuid,lowerdir={lower},upperdir={upper},workdir={work}" + (ProcessIdentity.IsHostRoot ? "" : ",userxattr");

    /// <summary>
    /// bubblewrap's arguments for runc's read-only and masked /proc paths, for those this kernel
    /// has: the step's /proc is the same kernel's, and a missing mount point would fail the step.
    /// Read-only paths are bound from the host's /proc: these files are the kernel's, not per pid
    /// namespace, and /proc/sys/net follows the reader's network namespace whichever /proc it is in.
    /// </summary>
    private static IEnumerable<string> ProcConfinement()
    {
        foreach (var path in ReadOnlyProcPaths.Where(Path.Exists))
        {
            yield return "--ro-bind";
            yield return path;
            yield return path;
        }

        foreach (var path in MaskedProcPaths)
        {
            if (Directory.Exists(path))
            {
                yield return "--tmpfs";
                yield return path;
                yield return "--remount-ro";
                yield return path;
            }
            else if (File.Exists(path))
            {
                yield return "--ro-bind";
                yield return "/dev/null";
                yield return path;
            }
        }
    }

    /// <summary>
    /// bubblewrap creates the mount points it needs; when the image lacked them they would land
    /// in the layer as empty files, so they are taken out again.
    /// </summary>
    private static void RemoveMountPoints(string upper, bool hadResolvConf)
    {
        var resolvConf = Path.Combine(upper, "etc", "resolv.conf");
        if (!hadResolvConf && File.Exists(resolvConf) && new FileInfo(resolvConf).Length == 0)
        {
            File.Delete(resolvConf);
        }
    }
}
